package slackfake

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// Block Kit limits Slack enforces on messages.
const (
	maxBlocks          = 50
	maxSectionText     = 3000
	maxSectionFields   = 10
	maxFieldText       = 2000
	maxHeaderText      = 150
	maxBlockID         = 255
	maxActionID        = 255
	maxButtonText      = 75
	maxButtonValue     = 2000
	maxURL             = 3000
	maxActionsElements = 25
	maxContextElements = 10
	maxAltText         = 2000
	maxMessageText     = 40000
)

var interactiveElements = map[string]bool{
	"button": true, "checkboxes": true, "datepicker": true, "datetimepicker": true, "overflow": true,
	"radio_buttons": true, "static_select": true, "external_select": true, "users_select": true,
	"conversations_select": true, "channels_select": true, "multi_static_select": true,
	"multi_external_select": true, "multi_users_select": true, "multi_conversations_select": true,
	"multi_channels_select": true, "timepicker": true, "plain_text_input": true, "email_text_input": true,
	"url_text_input": true, "number_input": true, "rich_text_input": true, "image": true, "workflow_button": true,
}

// validateBlocks checks a blocks argument the way Slack does for messages:
// malformed JSON is invalid_blocks_format, a Block Kit violation is
// invalid_blocks with the offending JSON pointer in response_metadata.
func validateBlocks(raw string) (json.RawMessage, *apiError) {
	var blocks []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &blocks); err != nil {
		return nil, errCode("invalid_blocks_format")
	}
	v := &blockValidator{}
	if len(blocks) > maxBlocks {
		v.fail("/blocks", "no more than 50 items allowed")
	}
	ids := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("/blocks/%d", i)
		if id := v.optString(b, "block_id", p); id != "" {
			if utf8.RuneCountInString(id) > maxBlockID {
				v.fail(p+"/block_id", "must be less than 256 characters")
			}
			if ids[id] {
				v.fail(p+"/block_id", "duplicate block_id")
			}
			ids[id] = true
		}
		v.block(b, p)
		if v.msg != "" {
			break
		}
	}
	if v.msg != "" {
		return nil, &apiError{code: "invalid_blocks", extra: map[string]any{
			"response_metadata": map[string]any{"messages": []string{fmt.Sprintf("[ERROR] %s [json-pointer:%s]", v.msg, v.ptr)}},
		}}
	}
	return json.RawMessage(raw), nil
}

type blockValidator struct {
	msg string
	ptr string
}

func (v *blockValidator) fail(ptr, msg string) {
	if v.msg == "" {
		v.msg, v.ptr = msg, ptr
	}
}

func (v *blockValidator) optString(o map[string]json.RawMessage, key, p string) string {
	raw, ok := o[key]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		v.fail(p+"/"+key, "must be a string")
	}
	return s
}

func (v *blockValidator) block(b map[string]json.RawMessage, p string) {
	typ := v.optString(b, "type", p)
	switch typ {
	case "section":
		_, hasText := b["text"]
		_, hasFields := b["fields"]
		if !hasText && !hasFields {
			v.fail(p, "must provide either text or fields")
			return
		}
		if hasText {
			v.textObject(b["text"], p+"/text", "", maxSectionText)
		}
		if hasFields {
			var fields []json.RawMessage
			if json.Unmarshal(b["fields"], &fields) != nil || len(fields) == 0 || len(fields) > maxSectionFields {
				v.fail(p+"/fields", "must be an array of 1 to 10 text objects")
				return
			}
			for i, f := range fields {
				v.textObject(f, fmt.Sprintf("%s/fields/%d", p, i), "", maxFieldText)
			}
		}
		if acc, ok := b["accessory"]; ok {
			v.element(acc, p+"/accessory")
		}
	case "header":
		raw, ok := b["text"]
		if !ok {
			v.fail(p+"/text", "missing required field: text")
			return
		}
		v.textObject(raw, p+"/text", "plain_text", maxHeaderText)
	case "divider":
	case "image":
		url := v.optString(b, "image_url", p)
		_, file := b["slack_file"]
		if url == "" && !file {
			v.fail(p+"/image_url", "missing required field: image_url")
		}
		if len(url) > maxURL {
			v.fail(p+"/image_url", "must be less than 3001 characters")
		}
		alt := v.optString(b, "alt_text", p)
		if alt == "" || utf8.RuneCountInString(alt) > maxAltText {
			v.fail(p+"/alt_text", "missing required field: alt_text")
		}
		if t, ok := b["title"]; ok {
			v.textObject(t, p+"/title", "plain_text", 2000)
		}
	case "actions":
		var els []json.RawMessage
		if json.Unmarshal(b["elements"], &els) != nil || len(els) == 0 || len(els) > maxActionsElements {
			v.fail(p+"/elements", "must be an array of 1 to 25 elements")
			return
		}
		seen := map[string]bool{}
		for i, e := range els {
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			id := v.element(e, ep)
			if id != "" && seen[id] {
				v.fail(ep+"/action_id", "duplicate action_id")
			}
			seen[id] = id != ""
		}
	case "context":
		var els []json.RawMessage
		if json.Unmarshal(b["elements"], &els) != nil || len(els) == 0 || len(els) > maxContextElements {
			v.fail(p+"/elements", "must be an array of 1 to 10 elements")
			return
		}
		for i, e := range els {
			ep := fmt.Sprintf("%s/elements/%d", p, i)
			var head struct{ Type string }
			_ = json.Unmarshal(e, &head)
			if head.Type == "image" {
				continue
			}
			v.textObject(e, ep, "", maxSectionText)
		}
	case "rich_text":
		var els []json.RawMessage
		if json.Unmarshal(b["elements"], &els) != nil {
			v.fail(p+"/elements", "must be an array")
		}
	case "input":
		v.textObject(b["label"], p+"/label", "plain_text", 2000)
		if _, ok := b["element"]; !ok {
			v.fail(p+"/element", "missing required field: element")
		}
	case "file", "video", "call", "markdown", "context_actions", "table":
	case "":
		v.fail(p+"/type", "missing required field: type")
	default:
		v.fail(p+"/type", fmt.Sprintf("unsupported block type %q", typ))
	}
}

// textObject checks a composition text object; want restricts its type.
func (v *blockValidator) textObject(raw json.RawMessage, p, want string, maxLen int) {
	var t map[string]json.RawMessage
	if raw == nil || json.Unmarshal(raw, &t) != nil {
		v.fail(p, "must be a text object")
		return
	}
	typ := v.optString(t, "type", p)
	if typ != "plain_text" && typ != "mrkdwn" {
		v.fail(p+"/type", "must be plain_text or mrkdwn")
		return
	}
	if want != "" && typ != want {
		v.fail(p+"/type", "must be "+want)
		return
	}
	text := v.optString(t, "text", p)
	if text == "" {
		v.fail(p+"/text", "must be more than 0 characters")
	}
	if utf8.RuneCountInString(text) > maxLen {
		v.fail(p+"/text", fmt.Sprintf("must be less than %d characters", maxLen+1))
	}
	if _, ok := t["emoji"]; ok && typ != "plain_text" {
		v.fail(p+"/emoji", "emoji is only allowed on plain_text")
	}
	if _, ok := t["verbatim"]; ok && typ != "mrkdwn" {
		v.fail(p+"/verbatim", "verbatim is only allowed on mrkdwn")
	}
}

// element checks a block element and returns its action_id.
func (v *blockValidator) element(raw json.RawMessage, p string) string {
	var e map[string]json.RawMessage
	if json.Unmarshal(raw, &e) != nil {
		v.fail(p, "must be an object")
		return ""
	}
	typ := v.optString(e, "type", p)
	if !interactiveElements[typ] {
		v.fail(p+"/type", fmt.Sprintf("unsupported element type %q", typ))
		return ""
	}
	id := v.optString(e, "action_id", p)
	if len(id) > maxActionID {
		v.fail(p+"/action_id", "must be less than 256 characters")
	}
	switch typ {
	case "button":
		v.textObject(e["text"], p+"/text", "plain_text", maxButtonText)
		if len(v.optString(e, "value", p)) > maxButtonValue {
			v.fail(p+"/value", "must be less than 2001 characters")
		}
		if len(v.optString(e, "url", p)) > maxURL {
			v.fail(p+"/url", "must be less than 3001 characters")
		}
		if st := v.optString(e, "style", p); st != "" && st != "primary" && st != "danger" {
			v.fail(p+"/style", "must be primary or danger")
		}
	case "image":
		if v.optString(e, "alt_text", p) == "" {
			v.fail(p+"/alt_text", "missing required field: alt_text")
		}
	}
	return id
}

package page

import "html/template"

// pageTemplate is parsed once; html/template escapes every string the view
// holds, and only the pre-rendered Block Kit and report HTML pass as is.
var pageTemplate = template.Must(template.New("page").Parse(pageHTML))

const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<div class="app">
<nav class="sidebar">
<div class="ws"><div class="ws-name">{{if .Agency}}{{.Agency}}{{else}}{{.Title}}{{end}}</div><div class="ws-sub"><span class="dot"></span>Liaison demo</div></div>
<a class="nav-item" href="#summary"><span class="nav-icon">≡</span><span class="nav-name">Summary</span></a>
{{- if .Convs}}
<div class="nav-heading">Conversations</div>
{{- range .Convs}}
<a class="nav-item" href="#{{.Anchor}}"><span class="nav-icon">{{.Icon}}</span><span class="nav-name">{{.Name}}</span>{{if .Shared}}<span class="nav-shared" title="Slack Connect">⇄</span>{{end}}{{if .MessageCount}}<span class="nav-count">{{.MessageCount}}</span>{{end}}</a>
{{- end}}
{{- end}}
{{- if .Sections}}
<div class="nav-heading">Reports</div>
{{- range .Sections}}
<a class="nav-item" href="#{{.Anchor}}"><span class="nav-icon">▤</span><span class="nav-name">{{.Title}}</span></a>
{{- end}}
{{- end}}
<div class="nav-heading">Liaison</div>
<a class="nav-item" href="#transcript"><span class="nav-icon">☰</span><span class="nav-name">Transcript</span>{{if .Transcript}}<span class="nav-count">{{len .Transcript}}</span>{{end}}</a>
</nav>
<main class="main">
<header class="top" id="summary">
<h1>{{.Title}}</h1>
{{- if or .Agency .Period}}
<div class="top-meta">{{if .Agency}}<span class="top-agency">{{.Agency}}</span>{{end}}{{if and .Agency .Period}} · {{end}}{{if .Period}}<span class="top-period">{{.Period}}</span>{{end}}</div>
{{- end}}
{{- if .Summary}}
<div class="stats">
{{- range .Summary}}
<div class="stat"><div class="stat-value">{{.Value}}</div><div class="stat-label">{{.Label}}</div></div>
{{- end}}
</div>
{{- end}}
</header>
{{- range .Convs}}
<section class="conv" id="{{.Anchor}}"{{if .ID}} data-channel="{{.ID}}"{{end}}>
<div class="conv-head"><span class="conv-icon">{{.Icon}}</span><span class="conv-name">{{.Name}}</span>{{if .Shared}}<span class="conv-shared">⇄ Slack Connect</span>{{end}}{{if .MemberCount}}<span class="conv-members" title="{{.Members}}">👥 {{.MemberCount}}</span>{{end}}</div>
{{- if .Members}}
<div class="conv-sub">{{.KindLabel}} · {{.Members}}</div>
{{- end}}
<div class="conv-body">
{{- range .Items}}
{{- if .Day}}
<div class="day"><span>{{.Day}}</span></div>
{{- else}}
{{template "msg" .Msg}}
{{- end}}
{{- else}}
<div class="empty">No messages.</div>
{{- end}}
</div>
</section>
{{- end}}
{{- if .Sections}}
<div class="reports" id="reports">
{{- range .Sections}}
<section class="report" id="{{.Anchor}}">
<h2>{{.Title}}</h2>
<div class="report-body">{{.HTML}}</div>
</section>
{{- end}}
</div>
{{- end}}
<section class="transcript" id="transcript">
<h2>Transcript</h2>
{{- if .Transcript}}
<table class="log">
<thead><tr><th class="log-time">Time</th><th>Actor</th><th>Kind</th><th>What happened</th></tr></thead>
<tbody>
{{- range .Transcript}}
<tr><td class="log-time"><time title="{{.TimeTitle}}">{{.Time}}</time></td><td class="log-actor">{{.Actor}}</td><td><span class="tag {{.KindClass}}">{{.Kind}}</span></td><td class="log-text">{{.Text}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<div class="empty">Nothing happened.</div>
{{- end}}
</section>
</main>
</div>
</body>
</html>
{{define "msg"}}<div class="msg{{if .Ephemeral}} msg-ephemeral{{end}}{{if .Resolved}} msg-resolved{{end}}"{{if .TS}} data-ts="{{.TS}}"{{end}}>
{{- if .Ephemeral}}<div class="eph-note"><span class="eph-eye">👁</span> Only visible to you</div>{{end}}
<div class="msg-row">
<div class="avatar {{.AvatarClass}}" aria-hidden="true">{{.Initials}}</div>
<div class="msg-content">
<div class="msg-head"><span class="msg-name">{{.Name}}</span>{{if .Bot}}<span class="app-badge">APP</span>{{end}}{{if .External}}<span class="org-badge" title="External: {{.Org}}">⇄ {{.Org}}</span>{{end}}{{if .Time}}<time class="msg-time" title="{{.TimeTitle}}">{{.Time}}</time>{{end}}{{if .EditedInHead}}<span class="edited">(edited)</span>{{end}}{{if .Resolved}}<span class="resolved-tag">✓ Resolved</span>{{end}}</div>
<div class="msg-body">{{.Body}}{{if and .Edited (not .EditedInHead)}}<span class="edited">(edited)</span>{{end}}</div>
{{- if .Badges}}
<div class="badges">{{range .Badges}}<span class="tag {{.Class}}">{{.Text}}</span>{{end}}</div>
{{- end}}
{{- if .Metadata}}
<div class="metadata">metadata: {{.Metadata}}</div>
{{- end}}
{{- if .Replies}}
<div class="thread-link">{{.ReplyLabel}}</div>
<div class="thread">
{{- range .Replies}}
{{template "msg" .}}
{{- end}}
</div>
{{- end}}
</div>
</div>
</div>{{end}}`

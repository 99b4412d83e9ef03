package demo

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// sandboxKeys are the top-level blocks of an agency config that the
// sandbox's config replaces: where the upstreams are, where state goes and
// where the daemon listens. Everything else (people, clients, rules,
// delivery, the answer base) is the agency's own.
var sandboxKeys = []string{"connections", "store", "server"}

// withSandboxConnections returns the agency config with its connections,
// store and server taken from the sandbox's config, and its Slack team set
// to the sandbox's, so that the agency's own rules play against the fakes.
func withSandboxConnections(agency, sandboxCfg []byte) ([]byte, error) {
	var a, s yaml.Node
	if err := yaml.Unmarshal(agency, &a); err != nil {
		return nil, fmt.Errorf("reading the agency config: %w", err)
	}
	if err := yaml.Unmarshal(sandboxCfg, &s); err != nil {
		return nil, fmt.Errorf("reading the sandbox config: %w", err)
	}
	am, sm := root(&a), root(&s)
	if am == nil || sm == nil {
		return nil, errors.New("the agency config must be a mapping of keys")
	}
	for _, key := range sandboxKeys {
		set(am, key, get(sm, key))
	}
	if team := get(get(sm, "agency"), "slack_team_id"); team != nil {
		if ag := get(am, "agency"); ag != nil && ag.Kind == yaml.MappingNode {
			set(ag, "slack_team_id", team)
		}
	}
	return yaml.Marshal(am)
}

func root(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		return nil
	}
	return n
}

func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// set replaces key's value in m, adds it when missing, and removes it when
// v is nil.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			if v == nil {
				m.Content = append(m.Content[:i], m.Content[i+2:]...)
			} else {
				m.Content[i+1] = v
			}
			return
		}
	}
	if v != nil {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	}
}

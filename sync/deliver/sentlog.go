package deliver

import (
	"context"
	"slices"
	"strings"

	"github.com/liaisonhq/liaison/sync/store"
)

// logSent writes the one info line an operator reads per message Slack
// accepted: to whom, for which clients and rules, how many findings.
func (d *Deliverer) logSent(ctx context.Context, dl store.Delivery, ts string) {
	attrs := []any{"recipient", dl.Recipient, "kind", string(dl.Kind), "ts", ts}
	if p, err := decodePayload(dl.Payload); err == nil && len(p.Items) > 0 {
		var clients, rules []string
		for _, it := range p.Items {
			f, err := d.st.GetFinding(ctx, it.Key)
			if err != nil {
				continue
			}
			if f.ClientID != "" && !slices.Contains(clients, f.ClientID) {
				clients = append(clients, f.ClientID)
			}
			if !slices.Contains(rules, f.Rule) {
				rules = append(rules, f.Rule)
			}
		}
		attrs = append(attrs, "client", strings.Join(clients, ","), "rule", strings.Join(rules, ","),
			"findings", len(p.Items), "digest", p.Digest)
	}
	d.log.Info("message delivered", attrs...)
}

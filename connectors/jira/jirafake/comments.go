package jirafake

import (
	"fmt"
	"time"
)

// Comment is the snapshot form of an issue comment, with its body as
// plain text.
type Comment struct {
	ID      string    `json:"id"`
	Author  string    `json:"author"` // account id
	Body    string    `json:"body"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

// Comments returns an issue's comments, oldest first, for inspection (the
// sandbox shows what Liaison wrote on issues). The key may be a former key.
func (f *Fake) Comments(key string) ([]Comment, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	is := f.lookupLocked(key)
	if is == nil {
		return nil, fmt.Errorf("listing comments of %s: %w", key, ErrNotFound)
	}
	out := make([]Comment, 0, len(is.comments))
	for _, c := range is.comments {
		out = append(out, Comment{ID: itoa(c.id), Author: c.author, Body: adfText(c.body), Created: c.created, Updated: c.updated})
	}
	return out, nil
}

package table

// Stack returns one tab holding tabs one under another, a blank row
// between them, under key and name: an earlier period's report kept in a
// single tab of the client's spreadsheet. Changes and charts move with
// their rows; each column takes the widest width asked for; nothing is
// frozen, since the stacked parts have headers of their own.
func Stack(key, name string, tabs []Tab) Tab {
	out := Tab{Key: key, Name: name}
	for i, t := range tabs {
		if i > 0 {
			out.Rows = append(out.Rows, nil)
		}
		off := len(out.Rows)
		out.Rows = append(out.Rows, t.Rows...)
		for c, col := range t.Columns {
			if c >= len(out.Columns) {
				out.Columns = append(out.Columns, Column{})
			}
			out.Columns[c].Width = max(out.Columns[c].Width, col.Width)
		}
		for _, ch := range t.Changes {
			ch.FirstRow += off
			ch.LastRow += off
			out.Changes = append(out.Changes, ch)
		}
		for _, ch := range t.Charts {
			ch.HeaderRow += off
			ch.LastRow += off
			ch.AnchorRow += off
			out.Charts = append(out.Charts, ch)
		}
	}
	return out
}

package sheetsfake

// Edit types text into one cell ("Сводка!A2", a tab title and a cell), as
// a person editing the spreadsheet in a browser does: Sheets reads the
// text as typed (USER_ENTERED) and the cell keeps its format. It reports
// false when the spreadsheet, tab or cell does not exist. The request
// counts are not touched, since no API client sent it.
func (f *Fake) Edit(spreadsheetID, ref, text string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := f.books[spreadsheetID]
	if b == nil {
		return false
	}
	rg, err := parseA1(ref)
	if err != nil {
		return false
	}
	sh := b.sheetByTitle(rg.title)
	if sh == nil || rg.r0 >= sh.props.GridProperties.RowCount || rg.c0 >= sh.props.GridProperties.ColumnCount {
		return false
	}
	k := [2]int64{rg.r0, rg.c0}
	n := &cell{}
	if old := sh.cells[k]; old != nil {
		n.format = old.format
	}
	n.value, n.formula = userEntered(text)
	if n.value == nil && n.formula == "" && n.format == nil {
		delete(sh.cells, k)
	} else {
		sh.cells[k] = n
	}
	return true
}

package page

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestChromiumScreenshot renders the sample in headless Chromium and checks
// the picture has the page's shape: the aubergine sidebar on the left and a
// white main column with text in it. Set LIAISON_PAGE_SCREENSHOT to a path
// to keep the PNG for a look. Skipped where no Chromium is installed.
func TestChromiumScreenshot(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("no chromium on PATH")
	}
	dir := t.TempDir()
	htmlPath := filepath.Join(dir, "sample.html")
	f, err := os.Create(htmlPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := Render(f, samplePage(t)); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	// The profile goes outside t.TempDir: Chromium's helpers may still be
	// writing to it as they exit, which would fail the test's cleanup.
	profile, err := os.MkdirTemp("", "page-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(profile) })
	shot := filepath.Join(dir, "page.png")

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+profile, "--window-size=1400,2200",
		"--screenshot="+shot, "file://"+htmlPath)
	out, err := cmd.CombinedOutput()
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Skipf("chromium did not finish in time on this machine: %s", tail(out))
	}
	if err != nil {
		t.Fatalf("chromium: %v\n%s", err, tail(out))
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, tail(out))
	}
	if keep := os.Getenv("LIAISON_PAGE_SCREENSHOT"); keep != "" {
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Errorf("keeping screenshot: %v", err)
		}
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1400 || b.Dy() != 2200 {
		t.Fatalf("screenshot is %v, want 1400x2200", b)
	}
	if !near(img, 120, 1500, 0x3f, 0x0e, 0x40) {
		t.Errorf("sidebar is not aubergine at (120,1500): %v", img.At(120, 1500))
	}
	// The main column: white background with plenty of dark text.
	white, dark := 0, 0
	for y := 200; y < 2200; y += 3 {
		for x := 300; x < 1400; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			switch {
			case r>>8 > 0xf0 && g>>8 > 0xf0 && b>>8 > 0xf0:
				white++
			case r>>8 < 0x60 && g>>8 < 0x60 && b>>8 < 0x60:
				dark++
			}
		}
	}
	if white < dark*5 || dark < 2000 {
		t.Errorf("main column does not look like text on white: %d white, %d dark samples", white, dark)
	}
}

func near(img image.Image, x, y int, r8, g8, b8 uint32) bool {
	r, g, b, _ := img.At(x, y).RGBA()
	d := func(a, b uint32) bool { return a>>8 <= b+6 && a>>8+6 >= b }
	return d(r, r8) && d(g, g8) && d(b, b8)
}

func tail(b []byte) string {
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

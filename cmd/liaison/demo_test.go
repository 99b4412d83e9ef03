package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// demoStart is a Monday, 07:30 in Kyiv, so that the output is the same on
// every run.
const demoStart = "2026-11-30T07:30:00+02:00"

// TestDemoBinary is the README's first command on a fresh machine: the
// built binary, no config, no credentials, an environment with nothing in
// it, and the network never used beyond loopback.
func TestDemoBinary(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	cmd := exec.Command(liaisonBin, "demo", "-out", out, "-start", demoStart)
	cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir()}
	cmd.Dir = t.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	began := time.Now()
	err := cmd.Run()
	t.Logf("liaison demo took %v", time.Since(began))
	if err != nil {
		t.Fatalf("liaison demo: %v\nstderr:\n%s", err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("liaison demo wrote to stderr:\n%s", stderr.String())
	}
	got := stdout.String()
	for _, want := range []string{
		"Liaison demo — Northwind Growth",
		"DM to Anna Melnyk (account manager)", "ACME-1 «Fix crawl errors on the product catalogue»: прострочено на", "STEP-2 «Keyword map for the Almaty landing pages»: срок",
		"planned 07:30 → sent 09:00 EET",
		"redirect   Liaison · replied to Petro Savchenko",
		filepath.Join(out, "index.html"),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, "index.html")); err != nil || fi.Size() == 0 {
		t.Errorf("index.html not written: %v", err)
	}
}

func TestDemoFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"bad start", []string{"-start", "tomorrow"}, exitUsage, nil, "not an RFC 3339 time"},
		{"unknown flag", []string{"-verbose"}, exitUsage, nil, "flag provided but not defined"},
		{"stray argument", []string{"now"}, exitUsage, nil, "unexpected arguments"},
		{"quiet prints only the summary", []string{"-quiet", "-start", demoStart}, exitOK,
			[]string{"Summary: Client messages seen: 5 · Alerts sent: ", "index.html"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "demo")
			var stdout, stderr bytes.Buffer
			code := cmdDemo(append([]string{"-out", out}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
			if tc.code == exitOK {
				if strings.Contains(stdout.String(), "DM to Anna") {
					t.Errorf("-quiet printed the transcript:\n%s", stdout.String())
				}
				if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
					t.Errorf("index.html not written: %v", err)
				}
			}
		})
	}
}

package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestDockerfile checks what can be checked without a Docker engine: the
// build cross-compiles for the target platform, the image carries OCI
// labels, and its HEALTHCHECK asks the daemon through the config rather
// than a fixed port.
func TestDockerfile(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	for _, want := range []string{
		"FROM --platform=$BUILDPLATFORM golang:",
		"ARG TARGETOS", "ARG TARGETARCH",
		"GOOS=${TARGETOS} GOARCH=${TARGETARCH}",
		"org.opencontainers.image.version=\"${VERSION}\"",
		"org.opencontainers.image.source=\"${SOURCE}\"",
		"org.opencontainers.image.revision=\"${REVISION}\"",
		`CMD ["/usr/local/bin/liaison", "healthcheck"]`,
		`VOLUME ["/var/lib/liaison"]`,
		"USER 65532:65532",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	if regexp.MustCompile(`HEALTHCHECK[^\n]*\n[^\n]*-url`).MatchString(df) {
		t.Error("HEALTHCHECK names a fixed URL; it must follow server.listen")
	}
	ignore, err := os.ReadFile("../../.dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(ignore))
	for _, want := range []string{".git", "/liaison-state/", "/sandbox-state/", "/sandbox.yaml", "/liaison-config/", "/secrets/", "*.db"} {
		if !slices.Contains(lines, want) {
			t.Errorf(".dockerignore lacks %s", want)
		}
	}
}

// TestComposeFiles: compose.yaml and compose.postgres.yaml parse, every
// secret a service uses is declared with a file, named volumes are
// declared, and Liaison keeps its state on a volume.
func TestComposeFiles(t *testing.T) {
	type service struct {
		Image     string   `yaml:"image"`
		Build     string   `yaml:"build"`
		Volumes   []string `yaml:"volumes"`
		Secrets   []string `yaml:"secrets"`
		Profiles  []string `yaml:"profiles"`
		DependsOn any      `yaml:"depends_on"`
	}
	type compose struct {
		Services map[string]service `yaml:"services"`
		Volumes  map[string]any     `yaml:"volumes"`
		Secrets  map[string]struct {
			File string `yaml:"file"`
		} `yaml:"secrets"`
	}
	merged := compose{Services: map[string]service{}, Volumes: map[string]any{}, Secrets: map[string]struct {
		File string `yaml:"file"`
	}{}}
	for _, f := range []string{"../../compose.yaml", "../../compose.postgres.yaml"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c compose
		if err := yaml.Unmarshal(data, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for name, s := range c.Services {
			m := merged.Services[name]
			m.Volumes = append(m.Volumes, s.Volumes...)
			m.Secrets = append(m.Secrets, s.Secrets...)
			if s.Image != "" {
				m.Image = s.Image
			}
			merged.Services[name] = m
		}
		for k, v := range c.Volumes {
			merged.Volumes[k] = v
		}
		for k, v := range c.Secrets {
			merged.Secrets[k] = v
		}
	}
	l, ok := merged.Services["liaison"]
	if !ok || !slices.Contains(l.Volumes, "liaison-state:/var/lib/liaison") {
		t.Errorf("liaison service missing or without its state volume: %+v", l)
	}
	if _, ok := merged.Services["postgres"]; !ok {
		t.Error("compose.postgres.yaml has no postgres service")
	}
	for name, s := range merged.Services {
		for _, sec := range s.Secrets {
			if d, ok := merged.Secrets[sec]; !ok || !strings.HasPrefix(d.File, "./secrets/") {
				t.Errorf("service %s uses secret %s, not declared with a file under ./secrets/", name, sec)
			}
		}
		for _, v := range s.Volumes {
			src, _, _ := strings.Cut(v, ":")
			if !strings.HasPrefix(src, ".") && !strings.HasPrefix(src, "/") {
				if _, ok := merged.Volumes[src]; !ok {
					t.Errorf("service %s uses volume %s, not declared", name, src)
				}
			}
		}
	}
}

// TestHealthcheckFollowsServerListen: `liaison healthcheck` finds the
// daemon at the port of the config's server.listen, passes on 200 and
// fails with the daemon's reason on 503.
func TestHealthcheckFollowsServerListen(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status != http.StatusOK {
			fmt.Fprintln(w, "unhealthy: state store not answering")
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	cfgPath := opsAgency(t, time.Now())
	data, _ := os.ReadFile(cfgPath)
	data = bytes.Replace(data, []byte("listen: 127.0.0.1:1"), []byte("listen: :"+port), 1)
	cfgPath = filepath.Join(t.TempDir(), "agency.yaml")
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"healthcheck", "-config", cfgPath}, &out, &errOut); code != exitOK {
		t.Errorf("healthy daemon: exit %d: %s", code, errOut.String())
	}
	status = http.StatusServiceUnavailable
	errOut.Reset()
	if code := run([]string{"healthcheck", "-config", cfgPath}, &out, &errOut); code != exitFailed ||
		!strings.Contains(errOut.String(), "state store not answering") {
		t.Errorf("unhealthy daemon: exit %d: %s", code, errOut.String())
	}
}

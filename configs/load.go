package configs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"

	// Time zones must resolve the same on a scratch container as on a laptop.
	_ "time/tzdata"
)

// Option changes how a configuration is loaded.
type Option func(*options)

type options struct {
	lookupEnv func(string) (string, bool)
	readFile  func(string) ([]byte, error)
}

// WithLookupEnv sets where ${NAME} references are looked up; the default is
// os.LookupEnv. Tests pass a map so they never touch the real environment.
func WithLookupEnv(lookup func(name string) (string, bool)) Option {
	return func(o *options) { o.lookupEnv = lookup }
}

// WithReadFile sets how files are read: the config file itself (in Load),
// faq.yaml and *_file secrets. The default is os.ReadFile, refusing files
// over MaxFileSize.
func WithReadFile(read func(path string) ([]byte, error)) Option {
	return func(o *options) { o.readFile = read }
}

// WithFS reads every file from fsys, with paths taken as slash-separated
// paths inside it; a convenience over WithReadFile for fstest.MapFS.
func WithFS(fsys fs.FS) Option {
	return WithReadFile(func(p string) ([]byte, error) {
		return fs.ReadFile(fsys, filepath.ToSlash(filepath.Clean(p)))
	})
}

// MaxFileSize bounds the config file and the files it names (faq.yaml,
// *_file secrets). An agency of thousands of clients fits in a few
// megabytes; a larger file is a mistake (a log, a dump), refused before it
// is read rather than parsed at length.
const MaxFileSize = 16 << 20

// readLimited is os.ReadFile that refuses a file over MaxFileSize before
// reading it.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s is %d MiB, more than the %d MiB a config may be", path, fi.Size()>>20, MaxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s is more than the %d MiB a config may be", path, MaxFileSize>>20)
	}
	return data, nil
}

func newOptions(opts []Option) options {
	o := options{lookupEnv: os.LookupEnv, readFile: readLimited}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// Load reads and validates the configuration file at path. When the file
// is readable but invalid, the error is Problems, listing every problem;
// when it cannot be read, it is a plain wrapped error.
func Load(path string, opts ...Option) (*Config, error) {
	o := newOptions(opts)
	data, err := o.readFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parse(path, data, o)
}

// Parse validates a configuration held in memory. filename names it in
// problems, and relative paths in it (agency.faq, *_file) are read from
// filename's directory.
func Parse(filename string, data []byte, opts ...Option) (*Config, error) {
	return parse(filename, data, newOptions(opts))
}

// loader carries one load through its stages.
type loader struct {
	opts options
	dir  string
	doc  *document
	cfg  *Config
	// env is what expanding variables found about the connections.
	env envResult
	// faqDoc is the faq file, when agency.faq names one.
	faqDoc *document
}

func parse(filename string, data []byte, o options) (*Config, error) {
	l := &loader{opts: o, dir: filepath.Dir(filename), doc: parseDocument(filename, data)}
	if l.doc.root == nil {
		return nil, l.doc.problems
	}
	l.env = l.doc.expandEnv(o.lookupEnv)
	cfg := defaultConfig()
	l.doc.check(l.doc.root, reflect.TypeOf(cfg), "")
	if err := l.doc.root.Decode(&cfg); err != nil {
		// check removed everything yaml.v3 could refuse; if it still does,
		// say so rather than guess at a partial config.
		l.doc.add(l.doc.root, "", "decoding: %v", err)
		return nil, l.finish()
	}
	l.cfg = &cfg
	l.resolveSecretFiles(reflect.ValueOf(&cfg.Store), "store")
	l.resolveSecretFiles(reflect.ValueOf(&cfg.Connections), "connections")
	l.validate()
	if err := l.finish(); err != nil {
		return nil, err
	}
	return l.cfg, nil
}

// finish returns the problems of the config and its faq file, sorted, or nil.
func (l *loader) finish() error {
	ps := append(Problems(nil), l.doc.problems...)
	if l.faqDoc != nil {
		ps = append(ps, l.faqDoc.problems...)
	}
	if len(ps) == 0 {
		return nil
	}
	ps.sort()
	return ps
}

func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package configs

import (
	"path/filepath"
	"reflect"
	"strings"

	"github.com/liaisonhq/liaison/configs/field"
	"github.com/liaisonhq/liaison/configs/secret"
)

var secretType = reflect.TypeOf(secret.Secret(""))

// resolveSecretFiles fills every secret key "x" from its sibling "x_file"
// (a path relative to the config file's directory), anywhere under v. Both
// given is a problem: which one wins would be a guess.
func (l *loader) resolveSecretFiles(v reflect.Value, path string) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			l.resolveSecretFiles(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		byName := map[string]reflect.Value{}
		for i := 0; i < t.NumField(); i++ {
			if name := yamlName(t.Field(i)); name != "" {
				byName[name] = v.Field(i)
			}
		}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name := yamlName(f)
			if name == "" {
				continue
			}
			fv := v.Field(i)
			if f.Type != secretType {
				l.resolveSecretFiles(fv, field.Join(path, name))
				continue
			}
			fileV, ok := byName[name+"_file"]
			if !ok || fileV.Kind() != reflect.String || fileV.String() == "" {
				continue
			}
			filePath := field.Join(path, name+"_file")
			if fv.String() != "" {
				l.doc.addAt(filePath, "give either %s or %s_file, not both", name, name)
				continue
			}
			val, ok := l.readSecretFile(filePath, fileV.String())
			if ok {
				fv.SetString(val)
			} else {
				l.doc.suppress(field.Join(path, name))
			}
		}
	}
}

func (l *loader) readSecretFile(keyPath, p string) (string, bool) {
	full := l.resolvePath(p)
	data, err := l.opts.readFile(full)
	if err != nil {
		l.doc.addAt(keyPath, "reading %s: %v", full, unwrapPathError(err))
		return "", false
	}
	s := strings.TrimRight(string(data), "\r\n")
	if s == "" {
		l.doc.addAt(keyPath, "file %s is empty", full)
		return "", false
	}
	return s, true
}

// resolvePath reads p relative to the config file's directory.
func (l *loader) resolvePath(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(l.dir, p)
}

// yamlName is the key a field decodes from, or "" for skipped and inline fields.
func yamlName(f reflect.StructField) string {
	tag := f.Tag.Get("yaml")
	name, opts, _ := strings.Cut(tag, ",")
	if tag == "-" || !f.IsExported() || strings.Contains(","+opts+",", ",inline,") {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}

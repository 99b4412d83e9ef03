package google

import (
	"strings"
	"testing"

	"github.com/liaisonhq/liaison/configs/secret"
)

func TestStorageNote(t *testing.T) {
	sa := `{"type":"service_account","client_email":"r@p.iam.gserviceaccount.com","private_key":"-----BEGIN PRIVATE KEY-----"}`
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
		err  string
	}{
		{"none", func(*Config) {}, "", ""},
		{"service account alone", func(c *Config) { c.ServiceAccount = secret.Secret(sa) }, "no Drive storage", "drive.shared_drive_id"},
		{"service account with drive", func(c *Config) {
			c.ServiceAccount = secret.Secret(sa)
			c.Drive = DriveConfig{SharedDriveID: "0AReports", FolderID: "1Folder"}
		}, "the service account creates spreadsheets in shared drive 0AReports, folder 1Folder", ""},
		{"oauth", func(c *Config) { c.OAuth = OAuth{ClientID: "a", ClientSecret: "s", RefreshToken: "r"} }, "belong to the OAuth user", ""},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		if got := c.StorageNote(); !strings.Contains(got, tc.want) || tc.want == "" && got != "" {
			t.Errorf("%s: note %q, want %q", tc.name, got, tc.want)
		}
		err := c.Validate()
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: Validate() = %v, want %q", tc.name, err, tc.err)
		}
	}
}

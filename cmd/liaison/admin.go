package main

import (
	"flag"
	"net"
	"os"
	"strings"

	"github.com/liaisonhq/liaison/configs"
)

// adminFlags are what every command that talks to the running daemon's
// loopback API takes: the config (whose server.listen says the port) and
// an explicit URL that overrides it.
type adminFlags struct {
	config *string
	url    *string
}

func addAdminFlags(fs *flag.FlagSet) adminFlags {
	return adminFlags{
		config: configFlag(fs),
		url:    fs.String("url", "", "the daemon's `address` (default: loopback at the port of the config's server.listen); its admin API answers on loopback only"),
	}
}

// base returns the daemon's API root: -url when given, else loopback at
// the port of server.listen in the config (":9090" when the config cannot
// be read, the default listen address).
func (a adminFlags) base() string {
	if *a.url != "" {
		return strings.TrimRight(*a.url, "/")
	}
	listen := ":9090"
	if _, err := os.Stat(*a.config); err == nil {
		if cfg, err := configs.Load(*a.config); err == nil && cfg.Server.Listen != "" {
			listen = cfg.Server.Listen
		}
	}
	return "http://" + loopbackOf(listen)
}

// loopbackOf turns a listen address into one a local client reaches:
// an unspecified or empty host becomes 127.0.0.1.
func loopbackOf(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "127.0.0.1:9090"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

package main

import (
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/liaisonhq/liaison/configs"
)

// applyMemoryLimit sets the Go runtime's soft memory limit from
// server.memory_limit, unless GOMEMLIMIT set one for the process. It
// complements, and does not replace, holding little: near the limit the
// runtime collects garbage sooner and hands freed memory back to the
// system, so a peak (the first backfill, a full rule run) does not stay
// resident; a live heap above it is not cut, only collected more often.
func applyMemoryLimit(cfg *configs.Config, log *slog.Logger) {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		log.Debug("memory limit set by GOMEMLIMIT; server.memory_limit ignored", "GOMEMLIMIT", v)
		return
	}
	n, err := configs.ParseMemoryLimit(cfg.Server.MemoryLimit)
	if err != nil || n == 0 { // the loader refused a bad value already
		return
	}
	debug.SetMemoryLimit(n)
	log.Debug("memory limit set", "bytes", n)
}

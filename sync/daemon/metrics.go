package daemon

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/liaisonhq/liaison/configs"
)

// metrics are the daemon's own series; components register theirs beside them.
type metrics struct {
	reloads             *prometheus.CounterVec
	lastReloadSuccess   prometheus.Gauge
	lastReloadOK        prometheus.Gauge
	people              prometheus.Gauge
	clients             prometheus.Gauge
	connectorConfigured *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer, version string) *metrics {
	m := &metrics{
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "liaison_config_reloads_total",
			Help: "Config loads by result (success or failure); the first load at start counts.",
		}, []string{"result"}),
		lastReloadSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "liaison_config_last_reload_success_timestamp_seconds",
			Help: "When the config in force was loaded.",
		}),
		lastReloadOK: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "liaison_config_last_reload_successful",
			Help: "1 if the last config reload succeeded, 0 if it was rejected and the previous config is still in force.",
		}),
		people: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "liaison_config_people",
			Help: "People in the config in force.",
		}),
		clients: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "liaison_config_clients",
			Help: "Clients in the config in force.",
		}),
		connectorConfigured: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "liaison_connector_configured",
			Help: "1 if the connector has what it needs to run, 0 if it is skipped.",
		}, []string{"connector"}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "liaison_build_info",
		Help:        "Always 1; labels say which build runs.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	build.Set(1)
	reg.MustRegister(m.reloads, m.lastReloadSuccess, m.lastReloadOK, m.people, m.clients, m.connectorConfigured, build)
	return m
}

func (m *metrics) configLoaded(cfg *configs.Config, now time.Time) {
	m.reloads.WithLabelValues("success").Inc()
	m.lastReloadSuccess.Set(float64(now.Unix()))
	m.lastReloadOK.Set(1)
	m.people.Set(float64(len(cfg.People)))
	m.clients.Set(float64(len(cfg.Clients)))
}

func (m *metrics) reloadFailed(time.Time) {
	m.reloads.WithLabelValues("failure").Inc()
	m.lastReloadOK.Set(0)
}

// slogPromLogger lets promhttp report encoding errors through slog.
type slogPromLogger struct{ log *slog.Logger }

func (l slogPromLogger) Println(v ...any) {
	l.log.Error("serving metrics", "err", fmt.Sprint(v...))
}

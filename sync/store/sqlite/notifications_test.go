package sqlite

import (
	"testing"

	"github.com/liaisonhq/liaison/sync/store"
	"github.com/liaisonhq/liaison/sync/store/storetest"
)

func TestNotificationsConformance(t *testing.T) {
	storetest.RunNotifications(t, func(t *testing.T) store.Store { return openTemp(t) })
}

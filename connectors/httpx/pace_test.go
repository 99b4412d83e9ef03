package httpx

import (
	"context"
	"sync"
	"testing"
	"time"
)

// vendorBucket is the vendor's side: a token bucket that starts full when
// the first request arrives.
type vendorBucket struct {
	mu        sync.Mutex
	perSecond float64
	burst     float64
	tokens    float64
	last      time.Time
	rejected  int
}

func (v *vendorBucket) arrive(now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.last.IsZero() {
		v.tokens, v.last = v.burst, now
	}
	v.tokens = min(v.burst, v.tokens+now.Sub(v.last).Seconds()*v.perSecond)
	v.last = now
	if v.tokens < 1 {
		v.rejected++
		return
	}
	v.tokens--
}

func TestPacerKeepsUnderTheVendorsBucket(t *testing.T) {
	const perSecond, burst, n = 50, 10, 40
	v := &vendorBucket{perSecond: perSecond, burst: burst}
	p := NewPacer(perSecond, burst)
	ctx := context.Background()
	start := time.Now()
	var wg sync.WaitGroup
	for range 4 { // four workers, as the Google pulls run
		wg.Go(func() {
			for range n / 4 {
				done, err := p.Wait(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				time.Sleep(2 * time.Millisecond) // on the way
				v.arrive(time.Now())
				done()
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	if v.rejected != 0 {
		t.Errorf("the vendor rejected %d of %d requests", v.rejected, n)
	}
	// The floor is (40 − 10) ÷ 50 = 0.6 s; the pacer's reserve of 3
	// requests adds 60 ms.
	if floor := time.Duration(float64(n-burst) / perSecond * float64(time.Second)); took < floor {
		t.Errorf("%d requests took %s, under the vendor's floor %s", n, took, floor)
	}
}

func TestPacerHoldsRequestsUntilTheFirstIsAnswered(t *testing.T) {
	p := NewPacer(1000, 1000)
	ctx := context.Background()
	done, err := p.Wait(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan struct{})
	go func() {
		d, err := p.Wait(ctx)
		if err == nil {
			d()
		}
		close(second)
	}()
	select {
	case <-second:
		t.Fatal("a second request went out before the first was answered")
	case <-time.After(50 * time.Millisecond):
	}
	done()
	<-second
	if NewPacer(0, 10) != nil {
		t.Error("a rate of 0 should not pace")
	}
}

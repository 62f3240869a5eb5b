package main

import (
	"encoding/json"
	"testing"
	"time"
)

func TestLatencies(t *testing.T) {
	var ds []time.Duration
	for i := 20; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Second)
	}
	got := latencies(ds)
	want := Latencies{Count: 20, P50: Duration(10 * time.Second), P95: Duration(19 * time.Second), Max: Duration(20 * time.Second)}
	if got != want {
		t.Errorf("latencies = %+v, want %+v", got, want)
	}
	if ds[0] != 20*time.Second {
		t.Errorf("latencies sorted its input")
	}
	if got := latencies(nil); got != (Latencies{}) {
		t.Errorf("latencies(nil) = %+v, want zero", got)
	}
	if got := latencies([]time.Duration{time.Second}); got.P50 != Duration(time.Second) || got.P95 != Duration(time.Second) {
		t.Errorf("latencies of one = %+v", got)
	}
}

func TestDurationJSON(t *testing.T) {
	b, err := json.Marshal(struct{ D Duration }{Duration(1500*time.Millisecond + 400*time.Microsecond)})
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"D":1.5}` {
		t.Errorf("marshal = %s, want seconds to the millisecond", b)
	}
	var back struct{ D Duration }
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.D != Duration(1500*time.Millisecond) {
		t.Errorf("unmarshal = %s, want 1.5s", back.D)
	}
	if err := json.Unmarshal([]byte(`{"D":"1s"}`), &back); err == nil {
		t.Errorf("unmarshal of a string did not fail")
	}
}

func TestDurationString(t *testing.T) {
	for d, want := range map[time.Duration]string{
		12345 * time.Millisecond:   "12.3s",
		1234567 * time.Microsecond: "1.23s",
		1234567 * time.Nanosecond:  "1ms",
	} {
		if got := Duration(d).String(); got != want {
			t.Errorf("Duration(%v) = %q, want %q", d, got, want)
		}
	}
}

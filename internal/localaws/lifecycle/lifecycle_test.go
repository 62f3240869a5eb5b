package lifecycle

import "testing"

func TestDefaultTimings(t *testing.T) {
	tm := DefaultTimings()
	if p := tm.Settings().Profile; p != DefaultProfile {
		t.Fatalf("profile %q, want %q", p, DefaultProfile)
	}
	if got, want := tm.Delay(PipeCreate), Profiles[DefaultProfile].Delays[PipeCreate]; got != want {
		t.Fatalf("PipeCreate takes %v, want %v", got, want)
	}
}

package tags

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
)

func TestSync(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name             string
		current, desired map[string]string
		setErr, rmErr    error
		wantSet          map[string]string
		wantRemove       []string
		wantChanged      bool
		wantErr          error
	}{
		{name: "equal", current: map[string]string{"a": "1"}, desired: map[string]string{"a": "1"}},
		{name: "add and change", current: map[string]string{"a": "1"}, desired: map[string]string{"a": "2", "b": "3"},
			wantSet: map[string]string{"a": "2", "b": "3"}, wantChanged: true},
		{name: "remove keeps aws keys", current: map[string]string{"a": "1", "x": "2", "aws:cf": "3"},
			desired: map[string]string{"a": "1"}, wantRemove: []string{"x"}, wantChanged: true},
		{name: "set fails", current: map[string]string{}, desired: map[string]string{"a": "1"}, setErr: boom,
			wantSet: map[string]string{"a": "1"}, wantErr: boom},
		{name: "remove fails after set", current: map[string]string{"x": "1"}, desired: map[string]string{"a": "1"},
			rmErr: boom, wantSet: map[string]string{"a": "1"}, wantRemove: []string{"x"}, wantChanged: true, wantErr: boom},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var gotSet map[string]string
			var gotRemove []string
			changed, err := Sync(tc.current, tc.desired,
				func(m map[string]string) error { gotSet = m; return tc.setErr },
				func(k []string) error { gotRemove = k; return tc.rmErr })
			if !errors.Is(err, tc.wantErr) || changed != tc.wantChanged {
				t.Fatalf("Sync = %v, %v; want %v, %v", changed, err, tc.wantChanged, tc.wantErr)
			}
			if !maps.Equal(gotSet, tc.wantSet) || !slices.Equal(gotRemove, tc.wantRemove) {
				t.Fatalf("set %v remove %v; want %v %v", gotSet, gotRemove, tc.wantSet, tc.wantRemove)
			}
		})
	}
}

func TestRetag(t *testing.T) {
	boom := errors.New("boom")
	classify := func(err error, doing string) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("%s: %w", doing, err)
	}
	ok := func(map[string]string) error { return nil }
	okRemove := func([]string) error { return nil }

	current := map[string]string{"a": "1", "x": "2"}
	want := map[string]string{"a": "1", "b": "3"}
	changed, err := Retag(&current, want, "thing t", classify, ok, okRemove)
	if err != nil || !changed || !maps.Equal(current, want) {
		t.Fatalf("Retag = %v, %v, tags %v; want true, nil, %v", changed, err, current, want)
	}
	changed, err = Retag(&current, want, "thing t", classify,
		func(map[string]string) error { t.Fatal("tagged with nothing to add"); return nil },
		func([]string) error { t.Fatal("untagged with nothing to remove"); return nil })
	if err != nil || changed {
		t.Fatalf("Retag of equal tags = %v, %v", changed, err)
	}

	before := map[string]string{"x": "1"}
	current = maps.Clone(before)
	changed, err = Retag(&current, want, "thing t", classify, ok, func([]string) error { return boom })
	if !errors.Is(err, boom) || err.Error() != "untagging thing t: boom" || !changed || !maps.Equal(current, before) {
		t.Fatalf("Retag with a failed untag = %v, %v, tags %v", changed, err, current)
	}
	_, err = Retag(&current, want, "thing t", classify, func(map[string]string) error { return boom }, okRemove)
	if err == nil || err.Error() != "tagging thing t: boom" || !maps.Equal(current, before) {
		t.Fatalf("Retag with a failed tag = %v, tags %v", err, current)
	}
}

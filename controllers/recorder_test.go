package controllers

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTruncateNote(t *testing.T) {
	if got := truncateNote("short"); got != "short" {
		t.Errorf("short note changed: %q", got)
	}
	exact := strings.Repeat("a", maxEventNote)
	if got := truncateNote(exact); got != exact {
		t.Errorf("a note of exactly %d bytes was cut", maxEventNote)
	}
	long := strings.Repeat("é", maxEventNote) // two bytes a rune: a cut may fall inside one
	got := truncateNote(long)
	if len(got) > maxEventNote || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("truncateNote(long) = %d bytes, valid UTF-8 %v, ends %q", len(got), utf8.ValidString(got), got[len(got)-3:])
	}
}

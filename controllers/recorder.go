package controllers

import (
	"fmt"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// maxEventNote is the longest note the events API accepts (events.k8s.io/v1 Event.note: 1 kB); the API
// server refuses a longer event outright, so it would never be seen.
const maxEventNote = 1024

// boundedRecorder shortens every event's note to what the events API accepts, so a long message (a
// network preflight that lists several fixes, say) still reaches the user, cut with an ellipsis; the
// condition keeps the whole message.
type boundedRecorder struct {
	events.EventRecorder
}

// Eventf records the event with its note cut to maxEventNote bytes.
func (r boundedRecorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	r.EventRecorder.Eventf(regarding, related, eventtype, reason, action, "%s", truncateNote(fmt.Sprintf(note, args...)))
}

// truncateNote cuts s to at most maxEventNote bytes at a rune boundary, ending it with an ellipsis when cut.
func truncateNote(s string) string {
	if len(s) <= maxEventNote {
		return s
	}
	const ellipsis = "…"
	cut := maxEventNote - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

package pipe

import (
	"strings"
	"testing"
)

func base() (*Observed, Desired) {
	d := Desired{Name: "p", RoleARN: "r", SourceClusterARN: "c", Topic: "t", StartingPosition: "LATEST", BatchSize: 10,
		MaximumBatchingWindowSeconds: 1, ConsumerGroupID: "g", TargetFunctionARN: "f", InvocationType: "FIRE_AND_FORGET"}
	return desiredObserved(d), d
}

func TestConfigDiff(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Observed, *Desired)
		want string
	}{
		{name: "equal", edit: func(*Observed, *Desired) {}},
		{name: "role", edit: func(o *Observed, _ *Desired) { o.RoleARN = "x" }, want: "RoleArn x → r"},
		{name: "target", edit: func(o *Observed, _ *Desired) { o.Target = "x" }, want: "Target x → f"},
		{name: "batch", edit: func(o *Observed, _ *Desired) { o.BatchSize = 100 }, want: "BatchSize 100 → 10"},
		{name: "batch left to the default", edit: func(o *Observed, d *Desired) { o.BatchSize, d.BatchSize = 100, 0 }},
		{name: "window", edit: func(o *Observed, _ *Desired) { o.MaximumBatchingWindowSeconds = 0 }, want: "MaximumBatchingWindowInSeconds 0 → 1"},
		{name: "invocation", edit: func(o *Observed, _ *Desired) { o.InvocationType = "REQUEST_RESPONSE" },
			want: "InvocationType REQUEST_RESPONSE → FIRE_AND_FORGET"},
		{name: "invocation left to the default", edit: func(o *Observed, d *Desired) { o.InvocationType, d.InvocationType = "REQUEST_RESPONSE", "" }},
		{name: "two", edit: func(o *Observed, _ *Desired) { o.RoleARN, o.BatchSize = "x", 1 }, want: "RoleArn x → r, BatchSize 1 → 10"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, d := base()
			tc.edit(o, &d)
			if got := configDiff(o, d); got != tc.want {
				t.Fatalf("configDiff = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestImmutable(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Observed, *Desired)
		want string
	}{
		{name: "equal", edit: func(*Observed, *Desired) {}},
		{name: "source", edit: func(o *Observed, _ *Desired) { o.Source = "x" }, want: `source "x"`},
		{name: "topic", edit: func(o *Observed, _ *Desired) { o.Topic = "x" }, want: `topic "x"`},
		{name: "position", edit: func(o *Observed, _ *Desired) { o.StartingPosition = "TRIM_HORIZON" }, want: `starting position "TRIM_HORIZON"`},
		{name: "group", edit: func(o *Observed, _ *Desired) { o.ConsumerGroupID = "x" }, want: `consumer group "x"`},
		{name: "group chosen by Pipes", edit: func(o *Observed, d *Desired) { o.ConsumerGroupID, d.ConsumerGroupID = "x", "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o, d := base()
			tc.edit(o, &d)
			err := immutable(o, d)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("immutable = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestNameOf(t *testing.T) {
	for arn, want := range map[string]string{
		"arn:aws:pipes:us-east-1:123456789012:pipe/kp-x-pipe": "kp-x-pipe",
		"":                                      "",
		"arn:aws:lambda:us-east-1:1:function:f": "",
	} {
		if got := nameOf(arn); got != want {
			t.Errorf("nameOf(%q) = %q, want %q", arn, got, want)
		}
	}
}

// Package sts emulates the AWS Security Token Service for localaws: GetCallerIdentity, which tells a caller
// which account and principal its credentials belong to. Every caller is the account's root user.
package sts

import (
	"net/http"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// XMLNS is the namespace of every STS response.
const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/"

var protocol = wire.Query{XMLNS: XMLNS}

// Config configures the STS emulator. It has no settings yet; it exists so STS is built like every other
// localaws service.
type Config struct{}

// Service is the STS emulator. It implements server.Service and keeps no state.
type Service struct {
	router wire.ActionRouter
}

// New returns an STS emulator.
func New(Config) *Service {
	s := &Service{}
	s.router.Handle("GetCallerIdentity", getCallerIdentity)
	return s
}

// Name implements server.Service.
func (s *Service) Name() string { return "sts" }

// Protocol implements server.Service.
func (s *Service) Protocol() wire.Protocol { return protocol }

// Resolve implements server.Service.
func (s *Service) Resolve(c *wire.Call) (wire.Handler, *wire.Error) { return s.router.Resolve(c) }

// Throttle implements server.Service: STS's Throttling error (400), which the SDK retries.
func (s *Service) Throttle() *wire.Error {
	return wire.Errorf(http.StatusBadRequest, "Throttling", "Rate exceeded")
}

// Reset implements server.Service; STS keeps no state.
func (s *Service) Reset() {}

// Snapshot implements server.Service; STS keeps no state.
func (s *Service) Snapshot() any { return struct{}{} }

// getCallerIdentity answers as the account's root user: the ARN arn:aws:iam::<account>:root and the
// account id as user id, as STS does for root credentials.
func getCallerIdentity(c *wire.Call) error {
	return c.XML(struct {
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
		Arn     string `xml:"Arn"`
	}{c.AccountID, c.AccountID, "arn:aws:iam::" + c.AccountID + ":root"})
}

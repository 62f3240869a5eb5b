package brokers

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Kafka API keys the listener handles itself.
const (
	keySASLHandshake    = int16(kmsg.SASLHandshake)
	keyApiVersions      = int16(kmsg.ApiVersions)
	keySASLAuthenticate = int16(kmsg.SASLAuthenticate)
)

// mechanisms are the SASL mechanisms offered, as SaslHandshake lists them.
var mechanisms = []string{MechanismIAM, MechanismOAuthBearer}

// authenticator checks credentials for one cluster.
type authenticator struct {
	region string
	now    func() time.Time
	log    *slog.Logger
}

// check checks a mechanism's authentication bytes and returns the server's answer.
func (a authenticator) check(mechanism string, b []byte) ([]byte, error) {
	var err error
	switch mechanism {
	case MechanismIAM:
		if err = CheckIAMPayload(b, a.region, a.now()); err == nil {
			return json.Marshal(map[string]string{"version": iamPayloadVersion, "request-id": uuid.NewString()})
		}
	case MechanismOAuthBearer:
		if err = CheckOAuthBearer(b, a.region, a.now()); err == nil {
			return []byte{}, nil
		}
	}
	a.log.Warn("MSK IAM authentication refused", "mechanism", mechanism, "error", err)
	return nil, err
}

// session is the SASL state of one connection.
type session struct {
	mechanism     string
	rawToken      bool // a SaslHandshake v0 succeeded: the token follows unframed
	authenticated bool
}

// handle answers a SaslHandshake or SaslAuthenticate request (body after the size). keep is false when
// the connection must close after the answer, as Kafka closes it after a failed authentication.
func (s *session) handle(a authenticator, key, version int16, frame []byte) (resp []byte, keep bool, err error) {
	req := kmsg.RequestForKey(key)
	req.SetVersion(version)
	if version < 0 || version > req.MaxVersion() {
		return nil, false, fmt.Errorf("%s v%d is not supported", kmsg.NameForKey(key), version)
	}
	if err := readRequest(req, frame); err != nil {
		return nil, false, err
	}
	switch r := req.(type) {
	case *kmsg.SASLHandshakeRequest:
		out := r.ResponseKind().(*kmsg.SASLHandshakeResponse)
		out.SupportedMechanisms = slices.Clone(mechanisms)
		switch {
		case s.authenticated || s.mechanism != "":
			out.ErrorCode = kerr.IllegalSaslState.Code
		case slices.Contains(mechanisms, r.Mechanism):
			s.mechanism, s.rawToken = r.Mechanism, version == 0
		default:
			out.ErrorCode = kerr.UnsupportedSaslMechanism.Code
		}
		return encode(out), out.ErrorCode != kerr.IllegalSaslState.Code, nil
	case *kmsg.SASLAuthenticateRequest:
		out := r.ResponseKind().(*kmsg.SASLAuthenticateResponse)
		if s.authenticated || s.mechanism == "" {
			out.ErrorCode = kerr.IllegalSaslState.Code
			return encode(out), false, nil
		}
		answer, err := s.authenticate(a, r.SASLAuthBytes)
		if err != nil {
			out.ErrorCode = kerr.SaslAuthenticationFailed.Code
			msg := "Access denied: " + strings.ReplaceAll(err.Error(), "\n", "; ")
			out.ErrorMessage = &msg
			return encode(out), false, nil
		}
		out.SASLAuthBytes = answer
		return encode(out), true, nil
	}
	return nil, false, fmt.Errorf("unexpected request key %d", key)
}

// authenticate checks the token of the negotiated mechanism.
func (s *session) authenticate(a authenticator, token []byte) ([]byte, error) {
	answer, err := a.check(s.mechanism, token)
	if err != nil {
		return nil, err
	}
	s.authenticated = true
	return answer, nil
}

// readRequest decodes a request from its frame after the size: the header (key, version, correlation ID,
// client ID, and tagged fields when flexible), then the body.
func readRequest(req kmsg.Request, frame []byte) error {
	r := kbin.Reader{Src: frame[8:]}
	r.NullableString()
	if req.IsFlexible() {
		kmsg.SkipTags(&r)
	}
	if !r.Ok() {
		return fmt.Errorf("decoding the %s request header", kmsg.NameForKey(req.Key()))
	}
	if err := req.ReadFrom(r.Src); err != nil {
		return fmt.Errorf("decoding %s: %w", kmsg.NameForKey(req.Key()), err)
	}
	return nil
}

// encode is a response after its correlation ID: the empty tagged fields of a flexible header, then the
// body.
func encode(resp kmsg.Response) []byte {
	var b []byte
	if resp.IsFlexible() {
		b = append(b, 0)
	}
	return resp.AppendTo(b)
}

// advertiseHandshakeV0 rewrites kfake's ApiVersions answer (a whole frame) to a request of this version
// so that SaslHandshake's range starts at v0, as Apache Kafka's does (librdkafka enables SASL only then).
// Frames it cannot decode are returned unchanged.
func advertiseHandshakeV0(frame []byte, version int16) []byte {
	resp := kmsg.NewPtrApiVersionsResponse()
	resp.Version = version
	if err := resp.ReadFrom(frame[8:]); err != nil || resp.ErrorCode != 0 {
		return frame
	}
	for i := range resp.ApiKeys {
		if resp.ApiKeys[i].ApiKey == keySASLHandshake {
			resp.ApiKeys[i].MinVersion = 0
		}
	}
	out := resp.AppendTo(append([]byte(nil), frame[:8]...))
	binary.BigEndian.PutUint32(out, uint32(len(out)-4))
	return out
}

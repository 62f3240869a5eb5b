package brokers

import (
	"bufio"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

// tlsRecordHandshake is the first byte of a TLS ClientHello. A Kafka request starts with its 4-byte size,
// and no request is 0x16000000 bytes or longer, so the first byte tells TLS from plaintext.
const tlsRecordHandshake = 0x16

// maxPreAuthFrame bounds a request read before authentication, as Kafka's SASL server does.
const maxPreAuthFrame = 512 * 1024

// listener is the listener of one broker: TLS connections, which must authenticate with SASL before
// anything but ApiVersions, and (only when plaintext is allowed) plaintext connections without SASL.
type listener struct {
	net.Listener
	tls       *tls.Config
	plaintext bool
	auth      authenticator
	log       *slog.Logger
}

// Accept returns the next connection. Telling TLS from plaintext and the TLS handshake happen on the
// connection's first read, so that a slow client never holds up the others.
func (l *listener) Accept() (net.Conn, error) {
	raw, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &saslConn{Conn: raw, l: l, apiVersions: map[int32]int16{}}
	c.idle.L = &c.mu
	return c, nil
}

// peekedConn is a connection whose first bytes were read into r.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// saslConn sits between a client and kfake. A plaintext connection (allowed only with plaintext on) is
// passed through untouched. On a TLS one it answers SaslHandshake and SaslAuthenticate itself,
// passes nothing but ApiVersions to kfake until the client has authenticated (closing the connection on
// anything else, as Kafka does), and rewrites kfake's ApiVersions answers to advertise SaslHandshake
// v0-1 as Apache Kafka does.
type saslConn struct {
	net.Conn  // the TCP connection
	l         *listener
	r         *bufio.Reader // nil until start
	plaintext bool          // a plaintext connection: no SASL, nothing rewritten

	in      []byte // the rest of a frame kfake is reading
	session session

	mu          sync.Mutex
	idle        sync.Cond       // signalled when kfake answers an ApiVersions request
	apiVersions map[int32]int16 // ApiVersions requests passed on and not answered, by correlation ID: their version
	out         []byte          // bytes kfake wrote that do not make a whole frame yet
	closed      bool
	tls         *tls.Conn // set by start on a TLS connection
}

// start tells TLS from plaintext and, for TLS, completes the handshake.
func (c *saslConn) start() error {
	br := bufio.NewReader(c.Conn)
	first, err := br.Peek(1)
	if err != nil {
		return fmt.Errorf("reading the first byte: %w", err)
	}
	if first[0] != tlsRecordHandshake {
		if !c.l.plaintext {
			return errors.New("plaintext connection to the TLS listener (localaws accepts plaintext only with --kafka-plaintext)")
		}
		c.plaintext, c.r = true, br
		return nil
	}
	tc := tls.Server(&peekedConn{Conn: c.Conn, r: br}, c.l.tls)
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("TLS handshake: %w", err)
	}
	c.mu.Lock()
	c.tls = tc
	c.mu.Unlock()
	c.r = bufio.NewReader(tc)
	return nil
}

// Read gives kfake the next request it may see.
func (c *saslConn) Read(p []byte) (int, error) {
	if c.r == nil {
		if err := c.start(); err != nil {
			c.l.log.Info("Kafka connection refused", "remote", c.RemoteAddr().String(), "error", err)
			_ = c.Close()
			return 0, err
		}
	}
	if c.plaintext {
		return c.r.Read(p)
	}
	for len(c.in) == 0 {
		frame, err := c.next()
		if err != nil {
			return 0, err
		}
		c.in = frame
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

// next reads requests until one is for kfake, answering the SASL ones.
func (c *saslConn) next() ([]byte, error) {
	for {
		if c.session.rawToken {
			if err := c.rawAuthenticate(); err != nil {
				return nil, err
			}
			continue
		}
		frame, err := c.readFrame()
		if err != nil {
			return nil, err
		}
		if len(frame) < 12 {
			return nil, errors.New("short Kafka request")
		}
		key, version, corr := int16(binary.BigEndian.Uint16(frame[4:])), int16(binary.BigEndian.Uint16(frame[6:])), int32(binary.BigEndian.Uint32(frame[8:]))
		switch {
		case key == keySASLHandshake || key == keySASLAuthenticate:
			resp, keep, err := c.session.handle(c.l.auth, key, version, frame[4:])
			if err != nil {
				return nil, err
			}
			if err := c.reply(corr, resp); err != nil {
				return nil, err
			}
			if !keep {
				return nil, errors.New("SASL authentication failed")
			}
		case key == keyApiVersions:
			c.mu.Lock()
			c.apiVersions[corr] = version
			c.mu.Unlock()
			return frame, nil
		case !c.session.authenticated:
			return nil, fmt.Errorf("request key %d before SASL authentication", key)
		default:
			return frame, nil
		}
	}
}

// readFrame reads one size-prefixed frame, size included.
func (c *saslConn) readFrame() ([]byte, error) {
	var size [4]byte
	if _, err := io.ReadFull(c.r, size[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(size[:])
	if !c.session.authenticated && n > maxPreAuthFrame {
		return nil, fmt.Errorf("a %d-byte request before SASL authentication", n)
	}
	frame := make([]byte, 4+n)
	copy(frame, size[:])
	_, err := io.ReadFull(c.r, frame[4:])
	return frame, err
}

// rawAuthenticate reads the unframed token that follows a SaslHandshake v0 and answers it unframed.
func (c *saslConn) rawAuthenticate() error {
	frame, err := c.readFrame()
	if err != nil {
		return err
	}
	challenge, err := c.session.authenticate(c.l.auth, frame[4:])
	c.session.rawToken = false
	if err != nil {
		return err // Kafka closes the connection: v0 has no way to say why
	}
	out := binary.BigEndian.AppendUint32(nil, uint32(len(challenge)))
	return c.write(append(out, challenge...))
}

// reply writes an answer of our own once kfake has answered the ApiVersions requests before it, keeping
// the order of answers (before authentication, ApiVersions is all kfake sees).
func (c *saslConn) reply(corr int32, resp []byte) error {
	out := binary.BigEndian.AppendUint32(nil, uint32(4+len(resp)))
	out = binary.BigEndian.AppendUint32(out, uint32(corr))
	return c.write(append(out, resp...))
}

func (c *saslConn) write(b []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.apiVersions) > 0 && !c.closed {
		c.idle.Wait()
	}
	_, err := c.tls.Write(b)
	return err
}

// Write takes kfake's answers, rewriting ApiVersions ones.
func (c *saslConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.plaintext {
		return c.Conn.Write(p)
	}
	if c.tls == nil {
		return 0, errors.New("write before the TLS handshake")
	}
	c.out = append(c.out, p...)
	for len(c.out) >= 8 {
		n := 4 + int(binary.BigEndian.Uint32(c.out))
		if len(c.out) < n {
			break
		}
		frame := c.out[:n]
		corr := int32(binary.BigEndian.Uint32(frame[4:]))
		if version, ok := c.apiVersions[corr]; ok {
			delete(c.apiVersions, corr)
			frame = advertiseHandshakeV0(frame, version)
		}
		if _, err := c.tls.Write(frame); err != nil {
			return 0, err
		}
		c.out = c.out[n:]
		c.idle.Broadcast()
	}
	return len(p), nil
}

// Close closes the connection and releases a reply waiting for kfake.
func (c *saslConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.idle.Broadcast()
	c.mu.Unlock()
	return c.Conn.Close()
}

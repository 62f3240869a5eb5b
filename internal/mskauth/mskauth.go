// Package mskauth gives franz-go clients what MSK Serverless's IAM listener (port 9098) asks of them: TLS,
// and SASL/OAUTHBEARER with an IAM token from aws-msk-iam-sasl-signer-go, the route AWS documents for Go.
package mskauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"

	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
)

// DialFunc opens a connection (net.Dialer's DialContext).
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// ClientOpts are the options of a client of a cluster in region: TLS verifying the brokers against roots
// (nil: the system's roots, which MSK's certificates chain to) and OAUTHBEARER with a token signed from
// creds for that region, made anew at each connection.
func ClientOpts(creds aws.CredentialsProvider, region string, roots *x509.CertPool) []kgo.Opt {
	return ClientOptsVia(creds, region, roots, nil)
}

// ClientOptsVia are ClientOpts whose connections dial (then TLS) with dial; nil dials directly.
func ClientOptsVia(creds aws.CredentialsProvider, region string, roots *x509.CertPool, dial DialFunc) []kgo.Opt {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	connect := kgo.DialTLSConfig(tlsCfg)
	if dial != nil {
		connect = kgo.Dialer(func(ctx context.Context, network, address string) (net.Conn, error) {
			return dialTLS(ctx, dial, tlsCfg, network, address)
		})
	}
	return []kgo.Opt{
		connect,
		kgo.SASL(oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
			token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(ctx, region, creds)
			if err != nil {
				return oauth.Auth{}, fmt.Errorf("signing an MSK IAM token for %s: %w", region, err)
			}
			return oauth.Auth{Token: token}, nil
		})),
	}
}

// dialTLS connects with dial and completes a TLS handshake verifying address's host.
func dialTLS(ctx context.Context, dial DialFunc, base *tls.Config, network, address string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("dialing %s: %w", address, err)
	}
	raw, err := dial(ctx, network, address)
	if err != nil {
		return nil, err
	}
	cfg := base.Clone()
	cfg.ServerName = host
	conn := tls.Client(raw, cfg)
	if err := conn.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, fmt.Errorf("TLS handshake with %s: %w", address, err)
	}
	return conn, nil
}

// Package mskauth gives franz-go clients what MSK Serverless's IAM listener (port 9098) asks of them: TLS,
// and SASL/OAUTHBEARER with an IAM token from aws-msk-iam-sasl-signer-go, the route AWS documents for Go.
package mskauth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"

	"github.com/aws/aws-msk-iam-sasl-signer-go/signer"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/oauth"
)

// ClientOpts are the options of a client of a cluster in region: TLS verifying the brokers against roots
// (nil: the system's roots, which MSK's certificates chain to) and OAUTHBEARER with a token signed from
// creds for that region, made anew at each connection.
func ClientOpts(creds aws.CredentialsProvider, region string, roots *x509.CertPool) []kgo.Opt {
	return []kgo.Opt{
		kgo.DialTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}),
		kgo.SASL(oauth.Oauth(func(ctx context.Context) (oauth.Auth, error) {
			token, _, err := signer.GenerateAuthTokenFromCredentialsProvider(ctx, region, creds)
			if err != nil {
				return oauth.Auth{}, fmt.Errorf("signing an MSK IAM token for %s: %w", region, err)
			}
			return oauth.Auth{Token: token}, nil
		})),
	}
}

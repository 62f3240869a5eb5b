package aws

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
)

// LambdaTagCalls returns the calls that add and remove tags of the Lambda resource arn (a function or an
// event source mapping), in the form tags.Retag takes them.
func LambdaTagCalls(ctx context.Context, api LambdaAPI, arn string) (set func(map[string]string) error, remove func([]string) error) {
	set = func(add map[string]string) error {
		_, err := api.TagResource(ctx, &lambda.TagResourceInput{Resource: aws.String(arn), Tags: add})
		return err
	}
	remove = func(keys []string) error {
		_, err := api.UntagResource(ctx, &lambda.UntagResourceInput{Resource: aws.String(arn), TagKeys: keys})
		return err
	}
	return set, remove
}

package esm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the mapping if it is the owner's. gone is true once no owned mapping exists; a mapping of
// that function, cluster and topic that is not the owner's is left alone and counts as gone. A deletion in
// progress, or a mapping busy in another transition (Lambda refuses the delete with
// ResourceInUseException), gives gone=false with no error; repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete starts deleting a mapping of the owner's.
func (m managed) Delete(ctx context.Context, o *Observed) (gone bool, err error) {
	if o.State == StateDeleting {
		return false, nil
	}
	_, err = m.api.DeleteEventSourceMapping(ctx, &lambda.DeleteEventSourceMappingInput{UUID: aws.String(o.UUID)})
	if awserr.HasCode(err, "ResourceInUseException") {
		return false, nil
	}
	return false, awserr.Classify(err, fmt.Sprintf("deleting event source mapping %s", o.UUID))
}

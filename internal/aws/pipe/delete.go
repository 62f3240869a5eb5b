package pipe

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pipes"
	"github.com/aws/aws-sdk-go-v2/service/pipes/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/owned"
)

// Delete deletes the pipe if it is the owner's. gone is true once no owned pipe of that name exists; a pipe
// of that name that is not the owner's is left alone and counts as gone. A deletion in progress, or a pipe
// busy in another transition (Pipes refuses the delete with ConflictException), gives gone=false with no
// error; repeated calls are safe.
func (s *Service) Delete(ctx context.Context, hint string, d Desired) (gone bool, err error) {
	return owned.Delete(ctx, d.Owner, managed{Service: s, hint: hint, d: d})
}

// Delete starts deleting a pipe of the owner's.
func (m managed) Delete(ctx context.Context, p *pipes.DescribePipeOutput) (gone bool, err error) {
	if p.CurrentState == types.PipeStateDeleting {
		return false, nil
	}
	_, err = m.api.DeletePipe(ctx, &pipes.DeletePipeInput{Name: p.Name})
	if awserr.HasCode(err, "ConflictException") {
		return false, nil
	}
	return false, awserr.Classify(err, fmt.Sprintf("deleting pipe %q", aws.ToString(p.Name)))
}

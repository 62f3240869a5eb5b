// Package topicadmin is the operator's side of a cluster's topic admin function (lambda/topicadmin): it
// creates, describes and grows topics by invoking that function synchronously (lambda:Invoke,
// RequestResponse), so the operator needs a path to the Lambda API only, never to the brokers. Its
// Client has kafka.Admin's Ensure, so the controller can use either.
package topicadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/aws/awserr"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/kafka"
	"github.com/kafkapipeline/kafka-pipeline-operator/internal/outcome"
	admin "github.com/kafkapipeline/kafka-pipeline-operator/lambda/topicadmin"
)

// NotReadyRetry is how long to wait before invoking an admin function that is not ready.
const NotReadyRetry = 5 * time.Second

// Invoker is the part of the Lambda client the Client calls.
type Invoker interface {
	Invoke(context.Context, *lambda.InvokeInput, ...func(*lambda.Options)) (*lambda.InvokeOutput, error)
}

// Client manages the topics of one cluster through its admin function. The function talks to the
// brokers in its own environment, so a request's Brokers are not sent.
type Client struct {
	// Lambda invokes the function (a client of the cluster's region).
	Lambda Invoker
	// Function is the admin function's name or ARN.
	Function string
	// Waits are the waits its outcomes ask for, as kafka.Admin's; zero fields take kafka.DefaultWaits'.
	Waits kafka.Waits
}

// Ensure makes the topic exist with at least req.Partitions partitions and the requested configs, with
// kafka.Admin's outcomes: Waiting/Unreachable when the function cannot reach the brokers, Terminal
// InvalidSpec when they refuse the request. With req.MustExist it only describes the topic (a topic the
// brokers do not have is kafka.ErrTopicNotFound), as kafka.Admin does.
func (c *Client) Ensure(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error) {
	if req.MustExist {
		return c.Describe(ctx, req)
	}
	return c.call(ctx, admin.Request{Action: admin.ActionEnsure, Topic: req.Name, Partitions: req.Partitions,
		Config: req.Config})
}

// Describe returns the topic as the brokers describe it; a topic they do not have is kafka.ErrTopicNotFound.
func (c *Client) Describe(ctx context.Context, req kafka.TopicRequest) (kafka.TopicState, error) {
	return c.call(ctx, admin.Request{Action: admin.ActionDescribe, Topic: req.Name})
}

// call invokes the function with req and maps its answer.
func (c *Client) call(ctx context.Context, req admin.Request) (kafka.TopicState, error) {
	payload, err := json.Marshal(req)
	if err != nil {
		return kafka.TopicState{}, fmt.Errorf("encoding the topic admin request: %w", err)
	}
	what := fmt.Sprintf("%s of topic %s through the topic admin function %s", req.Action, req.Topic, c.Function)
	out, err := c.Lambda.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(c.Function), Payload: payload,
		InvocationType: types.InvocationTypeRequestResponse})
	if err != nil {
		if awserr.IsNotFound(err) || awserr.HasCode(err, "ResourceConflictException", "ResourceNotReadyException") {
			return kafka.TopicState{}, outcome.Wait(NotReadyRetry, awserr.ReasonDependencyNotReady, "%s: the function is not ready: %s",
				what, awserr.Message(err))
		}
		return kafka.TopicState{}, awserr.Classify(err, what)
	}
	if out.FunctionError != nil {
		var fe struct {
			Type    string `json:"errorType"`
			Message string `json:"errorMessage"`
		}
		_ = json.Unmarshal(out.Payload, &fe) // a payload that is not Lambda's error shape leaves both empty
		return kafka.TopicState{}, outcome.Wait(c.Waits.OrDefault().Unreachable, awserr.ReasonUnreachable, "%s: the function failed (%s): %s: %s",
			what, aws.ToString(out.FunctionError), fe.Type, fe.Message)
	}
	var ans admin.Answer
	if err := json.Unmarshal(out.Payload, &ans); err != nil {
		return kafka.TopicState{}, fmt.Errorf("%s: the answer %q is not JSON: %w", what, out.Payload, err)
	}
	if e := ans.Error; e != nil {
		return kafka.TopicState{}, c.answerError(what, e)
	}
	return kafka.TopicState{Name: ans.Topic, Partitions: ans.Partitions, Created: ans.Created, Grown: ans.Grown}, nil
}

// answerError maps an error the function answered to kafka.Admin's outcome for it.
func (c *Client) answerError(what string, e *admin.Error) error {
	switch e.Type {
	case admin.ErrorTopicNotFound:
		return fmt.Errorf("%s: %s: %w", what, e.Message, kafka.ErrTopicNotFound)
	case admin.ErrorInvalidSpec:
		return outcome.Failf(awserr.ReasonInvalidSpec, "%s: %s", what, e.Message)
	case admin.ErrorUnreachable:
		return outcome.Wait(c.Waits.OrDefault().Unreachable, awserr.ReasonUnreachable, "%s: %s", what, e.Message)
	}
	return fmt.Errorf("%s: %s: %s", what, e.Type, e.Message)
}

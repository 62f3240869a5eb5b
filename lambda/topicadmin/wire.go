// Package topicadmin is the built-in binary's topic admin mode: a Lambda handler, deployed into a
// cluster's subnets (the CloudFormation custom-resource pattern), that creates, describes and grows
// topics from inside the cluster's VPC, so the operator needs no network path to the brokers. The
// request and answer shapes here are the contract between the function and the operator's client.
package topicadmin

// Actions a Request can ask for.
const (
	// ActionEnsure makes the topic exist with at least the partitions and the configs asked for.
	ActionEnsure = "ensure"
	// ActionDescribe reports the topic as the brokers describe it.
	ActionDescribe = "describe"
)

// Error types an Answer can carry.
const (
	// ErrorTopicNotFound: a describe of a topic the brokers do not have.
	ErrorTopicNotFound = "TopicNotFound"
	// ErrorInvalidSpec: the brokers refused the request itself (partitions, config, name); retrying
	// the same request cannot help.
	ErrorInvalidSpec = "InvalidSpec"
	// ErrorUnreachable: the function could not reach the brokers, or they refused its IAM identity.
	ErrorUnreachable = "Unreachable"
	// ErrorRetriable: a transient Kafka error; the same request may succeed later.
	ErrorRetriable = "Retriable"
)

// Request is the event the function is invoked with.
type Request struct {
	// Action is ActionEnsure or ActionDescribe.
	Action string `json:"action"`
	// Topic is the topic name.
	Topic string `json:"topic"`
	// Partitions is the wanted partition count (ensure only); partitions are added, never removed.
	Partitions int32 `json:"partitions,omitempty"`
	// Config are topic configs to set (ensure only); configs not named are left alone.
	Config map[string]string `json:"config,omitempty"`
}

// Answer is the function's result: the topic, or an error.
type Answer struct {
	// Topic is the topic name.
	Topic string `json:"topic"`
	// Partitions is the topic's partition count.
	Partitions int32 `json:"partitions,omitempty"`
	// Created reports that this ensure created the topic.
	Created bool `json:"created,omitempty"`
	// Grown reports that this ensure added partitions.
	Grown bool `json:"grown,omitempty"`
	// Error is set when the action failed.
	Error *Error `json:"error,omitempty"`
}

// Error is a failed action.
type Error struct {
	// Type is one of the Error* constants.
	Type string `json:"type"`
	// Message says what failed, with the brokers' words.
	Message string `json:"message"`
}

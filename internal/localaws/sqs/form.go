package sqs

import (
	"encoding/base64"
	"net/url"
	"strconv"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// formInt reads an optional integer query parameter.
func formInt(form url.Values, name string) (*int, *wire.Error) {
	v := form.Get(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return nil, invalidParameterValue("Value %s for parameter %s is invalid. Reason: Must be an integer.", v, name)
	}
	return &n, nil
}

// formAttributes reads Attribute.N.Name/Value.
func formAttributes(form url.Values) map[string]string {
	return wire.Map(form, "Attribute", "Name", "Value")
}

// formTags reads Tag.N.Key/Value.
func formTags(form url.Values) map[string]string {
	return wire.Map(form, "Tag", "Key", "Value")
}

// formMessageAttributes reads MessageAttribute.N.Name and .Value.{DataType,StringValue,BinaryValue}.
func formMessageAttributes(form url.Values) (map[string]MessageAttribute, *wire.Error) {
	out := map[string]MessageAttribute{}
	for _, m := range wire.Members(form, "MessageAttribute") {
		name := m.Get("Name")
		a := MessageAttribute{DataType: m.Get("Value.DataType"), StringValue: m.Get("Value.StringValue")}
		if b := m.Get("Value.BinaryValue"); b != "" {
			raw, err := base64.StdEncoding.DecodeString(b)
			if err != nil {
				return nil, invalidParameterValue("The binary value of message (user) attribute '%s' is not valid base64.", name)
			}
			a.BinaryValue = raw
		}
		out[name] = a
	}
	return out, nil
}

package ec2

import (
	"net/url"
	"strconv"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// required returns a parameter that must be present.
func required(form url.Values, name string) (string, error) {
	v := form.Get(name)
	if v == "" {
		return "", errMissing(name)
	}
	return v, nil
}

// boolParam parses an optional boolean parameter; set is false when it is absent.
func boolParam(form url.Values, name string) (value, set bool, err error) {
	if !form.Has(name) {
		return false, false, nil
	}
	b, convErr := strconv.ParseBool(form.Get(name))
	if convErr != nil {
		return false, true, errParam("Value (%s) for parameter %s is invalid. Expected a boolean.", form.Get(name), name)
	}
	return b, true, nil
}

// intParam parses an optional integer parameter; set is false when it is absent.
func intParam(form url.Values, name string) (value int, set bool, err error) {
	if !form.Has(name) || form.Get(name) == "" {
		return 0, false, nil
	}
	n, convErr := strconv.Atoi(form.Get(name))
	if convErr != nil {
		return 0, true, errParam("Value (%s) for parameter %s is invalid. Expected an integer.", form.Get(name), name)
	}
	return n, true, nil
}

// attributeValue reads an AttributeBooleanValue parameter (Name.Value=true); set is false when absent.
func attributeValue(form url.Values, name string) (value, set bool, err error) {
	return boolParam(form, name+".Value")
}

// returnTrue is the <return>true</return> body of EC2 operations that only acknowledge.
type returnTrue struct {
	Return bool `xml:"return"`
}

// acknowledge writes <return>true</return>.
func acknowledge(c *wire.Call) error { return c.XML(returnTrue{Return: true}) }

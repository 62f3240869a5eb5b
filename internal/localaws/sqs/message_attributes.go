package sqs

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"regexp"
	"sort"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// MessageAttribute is a message attribute as SendMessage takes it and ReceiveMessage returns it. DataType is
// String, Number or Binary, optionally followed by ".<custom label>"; String and Number use StringValue,
// Binary uses BinaryValue.
type MessageAttribute struct {
	// DataType is the attribute's type.
	DataType string `json:"DataType"`
	// StringValue is the value of a String or Number attribute.
	StringValue string `json:"StringValue,omitempty"`
	// BinaryValue is the value of a Binary attribute (base64 on the wire).
	BinaryValue []byte `json:"BinaryValue,omitempty"`
}

// maxMessageAttributes is how many message attributes SQS accepts on one message.
const maxMessageAttributes = 10

var attributeNamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,256}$`)

// baseType returns String, Number or Binary for a data type with an optional custom label.
func baseType(dataType string) string {
	base, _, _ := strings.Cut(dataType, ".")
	return base
}

// validateMessageAttributes checks names, types and values as SendMessage does.
func validateMessageAttributes(attrs map[string]MessageAttribute) *wire.Error {
	if len(attrs) > maxMessageAttributes {
		return invalidParameterValue("Number of message attributes [%d] exceeds the allowed maximum [%d].",
			len(attrs), maxMessageAttributes)
	}
	for name, a := range attrs {
		lower := strings.ToLower(name)
		if !attributeNamePattern.MatchString(name) || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") ||
			strings.Contains(name, "..") || strings.HasPrefix(lower, "aws.") || strings.HasPrefix(lower, "amazon.") {
			return invalidParameterValue("Message (user) attribute name '%s' is invalid.", name)
		}
		if a.DataType == "" {
			return invalidParameterValue("The message (user) attribute '%s' must contain a non-empty attribute type.", name)
		}
		if len(a.DataType) > 256 {
			return invalidParameterValue("Message (user) attribute '%s' type must be at most 256 characters.", name)
		}
		switch baseType(a.DataType) {
		case "String", "Number":
			if a.StringValue == "" {
				return invalidParameterValue("The message (user) attribute '%s' must contain a non-empty message "+
					"attribute value for message attribute type '%s'.", name, baseType(a.DataType))
			}
			if len(a.BinaryValue) > 0 {
				return invalidParameterValue("The message (user) attribute '%s' with type '%s' must use field 'String'.",
					name, baseType(a.DataType))
			}
		case "Binary":
			if len(a.BinaryValue) == 0 {
				return invalidParameterValue("The message (user) attribute '%s' must contain a non-empty message "+
					"attribute value for message attribute type 'Binary'.", name)
			}
			if a.StringValue != "" {
				return invalidParameterValue("The message (user) attribute '%s' with type 'Binary' must use field 'Binary'.", name)
			}
		default:
			return invalidParameterValue("The type of message (user) attribute '%s' is invalid. You must use only "+
				"the following supported type prefixes: Binary, Number, String.", name)
		}
	}
	return nil
}

// attributesSize is what message attributes add to a message's size: names, types and values.
func attributesSize(attrs map[string]MessageAttribute) int {
	n := 0
	for name, a := range attrs {
		n += len(name) + len(a.DataType) + len(a.StringValue) + len(a.BinaryValue)
	}
	return n
}

// md5OfBody is the lowercase hex MD5 of a message body.
func md5OfBody(body string) string {
	sum := md5.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// md5OfAttributes is AWS's digest of message attributes: for each attribute in name order, the name, the
// data type, a transport byte (1 string, 2 binary) and the value, each string length-prefixed (4 bytes, big
// endian). It is "" for no attributes.
func md5OfAttributes(attrs map[string]MessageAttribute) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	writeField := func(b []byte) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(b)))
		h.Write(l[:])
		h.Write(b)
	}
	for _, n := range names {
		a := attrs[n]
		writeField([]byte(n))
		writeField([]byte(a.DataType))
		if baseType(a.DataType) == "Binary" {
			h.Write([]byte{2})
			writeField(a.BinaryValue)
		} else {
			h.Write([]byte{1})
			writeField([]byte(a.StringValue))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// selectMessageAttributes returns the attributes ReceiveMessage asked for: "All" or ".*", exact names, and
// prefixes written "Foo.*".
func selectMessageAttributes(attrs map[string]MessageAttribute, names []string) map[string]MessageAttribute {
	out := map[string]MessageAttribute{}
	for _, want := range names {
		for name, a := range attrs {
			if want == "All" || want == ".*" || want == name ||
				(strings.HasSuffix(want, ".*") && strings.HasPrefix(name, strings.TrimSuffix(want, "*"))) {
				out[name] = a
			}
		}
	}
	return out
}

// isValidMessageBody reports whether every character is one SQS accepts.
func isValidMessageBody(body string) bool {
	for _, r := range body {
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}

// messageAttributes is a message's attributes on the wire: a JSON object, or repeated <MessageAttribute>
// elements in awsQuery XML.
type messageAttributes map[string]MessageAttribute

// MarshalXML writes one <MessageAttribute><Name/><Value/></MessageAttribute> per attribute, in name order.
func (m messageAttributes) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	type value struct {
		StringValue string `xml:"StringValue,omitempty"`
		BinaryValue string `xml:"BinaryValue,omitempty"`
		DataType    string `xml:"DataType"`
	}
	type entry struct {
		Name  string `xml:"Name"`
		Value value  `xml:"Value"`
	}
	for _, name := range sortedKeys(m) {
		a := m[name]
		v := value{StringValue: a.StringValue, DataType: a.DataType}
		if len(a.BinaryValue) > 0 {
			v.BinaryValue = base64.StdEncoding.EncodeToString(a.BinaryValue)
		}
		if err := e.EncodeElement(entry{Name: name, Value: v}, start); err != nil {
			return err
		}
	}
	return nil
}

// nameValues is a string map written as repeated <X><Name/><Value/></X> elements in XML (queue and message
// system attributes).
type nameValues map[string]string

// MarshalXML implements xml.Marshaler.
func (m nameValues) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodePairs(e, start, m, "Name")
}

// keyValues is a string map written as repeated <X><Key/><Value/></X> elements in XML (tags).
type keyValues map[string]string

// MarshalXML implements xml.Marshaler.
func (m keyValues) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodePairs(e, start, m, "Key")
}

func encodePairs(e *xml.Encoder, start xml.StartElement, m map[string]string, keyName string) error {
	for _, k := range sortedKeys(m) {
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := e.EncodeElement(k, xml.StartElement{Name: xml.Name{Local: keyName}}); err != nil {
			return err
		}
		if err := e.EncodeElement(m[k], xml.StartElement{Name: xml.Name{Local: "Value"}}); err != nil {
			return err
		}
		if err := e.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

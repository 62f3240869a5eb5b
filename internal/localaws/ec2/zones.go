package ec2

import (
	"slices"
	"strconv"
	"strings"

	"github.com/kafkapipeline/kafka-pipeline-operator/internal/localaws/wire"
)

// zone is one availability zone.
type zone struct {
	name, id string
}

// zoneLetters lists the availability zones of the regions whose zone names skip letters or go beyond c.
// Other regions have a, b and c.
var zoneLetters = map[string]string{
	"us-east-1":      "abcdef",
	"us-west-1":      "bc",
	"us-west-2":      "abcd",
	"ap-northeast-1": "acd",
	"ap-northeast-2": "abcd",
	"ap-south-1":     "abc",
	"eu-west-1":      "abc",
	"eu-central-1":   "abc",
}

// zoneIDs fixes the zone IDs of named zones where the numbering is not simply alphabetical. On AWS the
// name-to-ID mapping differs between accounts; localaws uses one stable mapping.
var zoneIDs = map[string]string{
	"ap-northeast-1a": "apne1-az4", "ap-northeast-1c": "apne1-az1", "ap-northeast-1d": "apne1-az2",
	"us-west-1b": "usw1-az1", "us-west-1c": "usw1-az3",
}

// directionCodes abbreviate the middle part of a region name in zone IDs (ap-northeast-1 → apne1).
var directionCodes = map[string]string{
	"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}

// zones returns the region's availability zones.
func zones(regionName string) []zone {
	letters, ok := zoneLetters[regionName]
	if !ok {
		letters = "abc"
	}
	out := make([]zone, 0, len(letters))
	for i, l := range letters {
		name := regionName + string(l)
		id, ok := zoneIDs[name]
		if !ok {
			id = zoneIDPrefix(regionName) + "-az" + strconv.Itoa(i+1)
		}
		out = append(out, zone{name: name, id: id})
	}
	return out
}

// zoneIDPrefix abbreviates a region name as zone IDs do: us-east-1 → use1, eu-central-1 → euc1.
func zoneIDPrefix(regionName string) string {
	parts := strings.Split(regionName, "-")
	if len(parts) != 3 {
		return strings.ReplaceAll(regionName, "-", "")
	}
	dir, ok := directionCodes[parts[1]]
	if !ok {
		dir = parts[1][:1]
	}
	return parts[0] + dir + parts[2]
}

// findZone resolves an availability zone by name or ID within the region.
func findZone(regionName, name, id string) (zone, error) {
	all := zones(regionName)
	for _, z := range all {
		if (name == "" || z.name == name) && (id == "" || z.id == id) {
			return z, nil
		}
	}
	names := make([]string, 0, len(all))
	for _, z := range all {
		names = append(names, z.name)
	}
	param, value := "availabilityZone", name
	if name == "" {
		param, value = "availabilityZoneId", id
	}
	return zone{}, errParam("Value (%s) for parameter %s is invalid. Subnets can currently only be created in the following availability zones: %s.",
		value, param, strings.Join(names, ", "))
}

// xmlZone is an EC2 AvailabilityZone.
type xmlZone struct {
	ZoneName           string   `xml:"zoneName"`
	ZoneID             string   `xml:"zoneId"`
	ZoneState          string   `xml:"zoneState"`
	OptInStatus        string   `xml:"optInStatus"`
	Messages           []string `xml:"messageSet>item>message"`
	RegionName         string   `xml:"regionName"`
	GroupName          string   `xml:"groupName"`
	NetworkBorderGroup string   `xml:"networkBorderGroup"`
	ZoneType           string   `xml:"zoneType"`
}

var zoneFilters = filterFields[xmlZone]{
	"zone-name":            func(z xmlZone) []string { return one(z.ZoneName) },
	"zone-id":              func(z xmlZone) []string { return one(z.ZoneID) },
	"state":                func(z xmlZone) []string { return one(z.ZoneState) },
	"region-name":          func(z xmlZone) []string { return one(z.RegionName) },
	"group-name":           func(z xmlZone) []string { return one(z.GroupName) },
	"network-border-group": func(z xmlZone) []string { return one(z.NetworkBorderGroup) },
	"opt-in-status":        func(z xmlZone) []string { return one(z.OptInStatus) },
	"zone-type":            func(z xmlZone) []string { return one(z.ZoneType) },
}

func describeAvailabilityZones(c *wire.Call, r *region) error {
	var all []xmlZone
	for _, z := range zones(r.name) {
		all = append(all, xmlZone{ZoneName: z.name, ZoneID: z.id, ZoneState: "available",
			OptInStatus: "opt-in-not-required", RegionName: r.name, GroupName: r.name + "-zg-1",
			NetworkBorderGroup: r.name, ZoneType: "availability-zone"})
	}
	if err := selectZones(c, all); err != nil {
		return err
	}
	names, ids := wire.Strings(c.Form, "ZoneName"), wire.Strings(c.Form, "ZoneId")
	q := query[xmlZone]{fields: zoneFilters}
	matched, _, err := q.run(c, all)
	if err != nil {
		return err
	}
	var out []xmlZone
	for _, z := range matched {
		if (len(names) == 0 && len(ids) == 0) || slices.Contains(names, z.ZoneName) || slices.Contains(ids, z.ZoneID) {
			out = append(out, z)
		}
	}
	return c.XML(struct {
		Zones []xmlZone `xml:"availabilityZoneInfo>item"`
	}{out})
}

// selectZones rejects ZoneName.N and ZoneId.N values that are not zones of the region.
func selectZones(c *wire.Call, all []xmlZone) error {
	for _, name := range wire.Strings(c.Form, "ZoneName") {
		if !slices.ContainsFunc(all, func(z xmlZone) bool { return z.ZoneName == name }) {
			return errParam("Invalid availability zone: [%s]", name)
		}
	}
	for _, id := range wire.Strings(c.Form, "ZoneId") {
		if !slices.ContainsFunc(all, func(z xmlZone) bool { return z.ZoneID == id }) {
			return errParam("Invalid availability zone ID: [%s]", id)
		}
	}
	return nil
}

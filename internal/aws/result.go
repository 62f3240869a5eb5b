package aws

// Result is what an Ensure did to one managed thing. Every package under internal/aws returns it for its
// own Observed type.
type Result[O any] struct {
	// Observed is the thing after Ensure; set whenever it exists, even when Ensure also returns an outcome
	// such as Waiting (right after a create the caller must still learn its ARN or ID).
	Observed *O
	// Created reports that Ensure created it.
	Created bool
	// Updated reports that Ensure changed it (configuration, state or tags).
	Updated bool
	// Adopted reports that it was found without the hint (by name, tags or natural key): a lost status
	// write, or an earlier object of the same name.
	Adopted bool
}

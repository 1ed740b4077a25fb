package check

import (
	"fmt"

	"github.com/perfgate/perfgate/results"
	"gopkg.in/yaml.v3"
)

// A Quantity is a number in a metric's base unit. In YAML it is a number
// or a string with a unit: a Go duration ("5s", "250ms") or a byte size
// ("50MiB", "50 MB" = 50·10⁶, "1.5GiB").
type Quantity float64

// UnmarshalYAML reads a number or a number with a unit.
func (q *Quantity) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a number or a quantity like 5s or 50MiB", n.Line)
	}
	v, err := results.ParseQuantity(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*q = Quantity(v)
	return nil
}

package redisstore

import (
	"testing"

	"github.com/passerelle/passerelle/internal/testutil/redistest"
)

// TestProtocol: the store speaks RESP2 unless its URL asks for RESP3, on
// one node and on a Cluster; test clients speak what the store does.
func TestProtocol(t *testing.T) {
	if redistest.Protocol != defaultProtocol {
		t.Fatalf("test clients speak RESP%d, the store RESP%d", redistest.Protocol, defaultProtocol)
	}
	for _, tc := range []struct {
		url     string
		cluster []string
		want    int
	}{
		{"redis://127.0.0.1:6379/0", nil, 2},
		{"redis://127.0.0.1:6379/0?protocol=3", nil, 3},
		{"redis://127.0.0.1:6379/0?protocol=2", nil, 2},
		{"redis://127.0.0.1:7000", []string{"127.0.0.1:7000"}, 2},
		{"redis://127.0.0.1:7000?protocol=3", []string{"127.0.0.1:7000"}, 3},
	} {
		t.Run(tc.url, func(t *testing.T) {
			o, err := universalOptions(Options{URL: tc.url, Cluster: tc.cluster})
			if err != nil {
				t.Fatal(err)
			}
			if o.Protocol != tc.want {
				t.Fatalf("protocol %d, want %d", o.Protocol, tc.want)
			}
		})
	}
}

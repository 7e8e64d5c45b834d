package payload

import (
	"encoding/json"
	"testing"
)

func TestJSONExactSizeAndValid(t *testing.T) {
	for _, size := range []int{2, 3, 100, 1 << 10, 64 << 10, 1 << 20} {
		b := JSON(size)
		if len(b) != size {
			t.Errorf("JSON(%d) has %d bytes", size, len(b))
		}
		var recs []Record
		if err := json.Unmarshal(b, &recs); err != nil {
			t.Fatalf("JSON(%d) is not a valid record array: %v", size, err)
		}
		for i, r := range recs {
			want := NewRecord(i)
			if r.ID != want.ID || r.Title != want.Title || r.Score != want.Score || len(r.Tags) != 3 {
				t.Fatalf("JSON(%d): record %d = %+v, want %+v", size, i, r, want)
			}
		}
		if size >= 1<<10 && len(recs) == 0 {
			t.Errorf("JSON(%d) holds no records", size)
		}
	}
}

package stats

import (
	"math"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := Median(tc.in); got != tc.want {
			t.Errorf("Median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
	in := []float64{3, 1, 2}
	Median(in)
	if in[0] != 3 {
		t.Error("Median reordered its argument")
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i))
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {0.1, 1}} {
		if got := Percentile(ds, tc.p); got != tc.want {
			t.Errorf("Percentile(1..100, %v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if got := Percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("Percentile([7], 99) = %v", got)
	}
	if got := Percentile(nil, 50); got != 0 {
		t.Errorf("Percentile(nil) = %v", got)
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{4, 1, 3, 2, 5}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {0.25, 2}, {0.5, 3}, {1, 5}, {0.125, 1.5}} {
		if got := Quantile(xs, tc.q); got != tc.want {
			t.Errorf("Quantile(1..5, %v) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile(nil) is not NaN")
	}
}

func TestRatioInterval(t *testing.T) {
	var a, b []float64
	for i := range 200 {
		b = append(b, 1+float64(i%10)/100) // 1.00 … 1.09
		a = append(a, 2+float64(i%10)/50)  // 2.00 … 2.18
	}
	lo, hi := RatioInterval(a, b)
	want := Median(a) / Median(b)
	if !(lo <= want && want <= hi) || lo < 1.8 || hi > 2.2 {
		t.Errorf("RatioInterval = [%v, %v], want a narrow interval around %v", lo, hi, want)
	}
	if lo2, hi2 := RatioInterval(a, b); lo2 != lo || hi2 != hi {
		t.Error("RatioInterval is not reproducible")
	}
}

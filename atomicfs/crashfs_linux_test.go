package atomicfs

// The read-back from the device (Linux only) drops the temp file's cached pages between the
// fsync and the rename: it must not change what a power cut can leave.
func init() {
	crashScenarios = append(crashScenarios, crashScenario{
		name: "WriteFile WithDeviceVerify", target: "data.json", old: crashDoc("old", 1000), new: crashDoc("new", 3000),
		write: writeFileCall(WithDeviceVerify()),
	})
}

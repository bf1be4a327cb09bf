// Waveforms of the architectural probes (model/core/probes.h): VCD, or FST (GTKWave's
// compressed format, through the fstapi Debian's verilator package ships) when the file name
// ends in .fst. Time unit 1 ps; scopes follow the probes' dotted names.
#pragma once
#include <string>

#include "model/core/probes.h"

namespace iovsim {

// Throws ConfigError when the file cannot be written.
void write_waveform(const std::string& path, const ProbeRecorder& rec);

}  // namespace iovsim

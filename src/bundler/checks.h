#pragma once

/// \file
/// The registry validation functions (`validations: [{function: ...}]`) that
/// RunComponentValidations dispatches to by name (validations.cc), grouped by the
/// file that defines them. Each inspects the component it is registered on and
/// returns findings (graded by the entry's severity) and hard errors; see
/// validation_support.h for CheckInput/CheckOutput and the shared helpers.

#include "bundler/validation_support.h"

namespace aicr::bundler::validation {

// checks_scheduling.cc: scheduling flags and the host-MOFED override.
CheckOutput CheckWorkloadSelectorMissing(const CheckInput& in);
CheckOutput CheckAcceleratedSelectorMissing(const CheckInput& in);
CheckOutput CheckWildcardAcceleratedToleration(const CheckInput& in);
CheckOutput CheckHostMofedWithoutNetworkOperator(const CheckInput& in);

// checks_driver.cc: GPU driver ownership, Slurm accounting (MariaDB Operator)
// and GKE TCPXO interface wiring.
CheckOutput CheckDriverOwnershipCoherence(const CheckInput& in);
CheckOutput CheckMariaDBOperatorOwnershipCoherence(const CheckInput& in);
CheckOutput CheckGKETCPXOInterfacesCoherence(const CheckInput& in);

// checks_nvsentinel.cc: NVSentinel against the GPU Operator and its own values,
// and its subchart dependencies.
CheckOutput CheckNVSentinelDriverLabelDetectable(const CheckInput& in);
CheckOutput CheckNVSentinelRuntimeClassCoherence(const CheckInput& in);
CheckOutput CheckNVSentinelTracingEndpointRequired(const CheckInput& in);
CheckOutput CheckNVSentinelPreflightDCGMReachable(const CheckInput& in);
CheckOutput CheckNVSentinelPreflightGangSchedulerRequired(const CheckInput& in);
CheckOutput CheckNVSentinelNicHealthMonitorRequiresMetadataCollector(const CheckInput& in);
CheckOutput CheckNVSentinelSlurmDrainMonitorRequiresSlinky(const CheckInput& in);

// checks_nvsentinel_remediation.cc: the remediation pipeline and its
// nvsentinel-mongodb datastore.
CheckOutput CheckNVSentinelRemediationPipelineCoherent(const CheckInput& in);
CheckOutput CheckNVSentinelMongoDBCoherent(const CheckInput& in);

}  // namespace aicr::bundler::validation

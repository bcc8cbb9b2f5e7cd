/** Trial phases as ClinicalTrials.gov names them; the FHIR export maps each to its code. */
export const TRIAL_PHASES = [
  "Early Phase 1",
  "Phase 1",
  "Phase 1/Phase 2",
  "Phase 2",
  "Phase 2/Phase 3",
  "Phase 3",
  "Phase 4",
  "Not Applicable",
] as const;

export type TrialPhase = (typeof TRIAL_PHASES)[number];

/** http://terminology.hl7.org/CodeSystem/research-study-phase */
export const FHIR_PHASE_CODE: Record<TrialPhase, string> = {
  "Early Phase 1": "early-phase-1",
  "Phase 1": "phase-1",
  "Phase 1/Phase 2": "phase-1-phase-2",
  "Phase 2": "phase-2",
  "Phase 2/Phase 3": "phase-2-phase-3",
  "Phase 3": "phase-3",
  "Phase 4": "phase-4",
  "Not Applicable": "n-a",
};

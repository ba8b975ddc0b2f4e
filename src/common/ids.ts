// Identifiers that more than one layer names (pure): the debug type and the adapter's custom event
// and requests (the adapter sends or answers them, the panel, the notes and the wiring use them),
// the scenario language's and packetdrill's ids and the commands their CodeLens runs. Each also appears in package.json.

/** The debug type (package.json contributes.debuggers[].type). */
export const DEBUG_TYPE = 'tcp-close';
/** The adapter's custom event at each stop; its body is a StopEventBody (./protocol). */
export const STOP_EVENT = 'tcpClose/stop';
/** The adapter's custom event as the run is recorded ahead of the stop shown (the timeline's extent); its body is a TimelineEventBody (./protocol). */
export const TIMELINE_EVENT = 'tcpClose/timeline';
/** The adapter's custom requests (DebugSession.customRequest): name and `{ stop }` argument where there is one. */
export const CUSTOM_REQUESTS = {
  /** run to the next scenario event (the debug toolbar's "step to next event") */
  stepToNextEvent: 'stepToNextEvent',
  /** move to a recorded stop (the panel's timeline) */
  gotoStop: 'gotoStop',
  /** run forward, recording, until a stop exists (a walkthrough step) */
  runToStop: 'runToStop',
  /** every value a socket's field took over the recorded run, each with its stop and writer: `{ socket, field }` */
  fieldHistory: 'fieldHistory',
  /** move to the previous or next change of a socket's field: `{ socket, field, direction: 'previous' | 'next' }` */
  gotoFieldChange: 'gotoFieldChange',
  /** why a value is what it is: the chain of its writers back to the scenario, `{ socket, field }` or `{ variablesReference, name }` */
  why: 'why',
  /** the run's segments so far, `{ what: 'pcap' }` as a pcapng capture (base64) or `{ what: 'mermaid' }` as a sequence diagram */
  exportRun: 'exportRun',
} as const;

/** The language id of *.tcpscenario documents (package.json contributes.languages). */
export const LANGUAGE_ID = 'tcp-scenario';
/** The language id of *.pkt documents, packetdrill scripts, run as the scenario each translates to (package.json contributes.languages). */
export const PACKETDRILL_LANGUAGE_ID = 'packetdrill';
/** Registered by the extension wiring: debugs the scenario whose URI it is given. */
export const DEBUG_SCENARIO_COMMAND = 'tcpCloseDebugger.debugScenario';
/** Registered by the extension wiring: the same as DEBUG_SCENARIO_COMMAND, for a packetdrill script (its title: "Debug with Linux 1.2"). */
export const DEBUG_PACKETDRILL_COMMAND = 'tcpCloseDebugger.debugPacketdrill';
/** Registered by the extension wiring: runs the scenario through the command line in a terminal. */
export const RUN_IN_TERMINAL_COMMAND = 'tcpCloseDebugger.runScenarioInTerminal';

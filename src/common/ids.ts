// Identifiers shared by the language features and package.json (pure).

/** The language id of *.tcpscenario documents (package.json contributes.languages). */
export const LANGUAGE_ID = 'tcp-scenario';
/** Registered by the extension wiring: debugs the scenario whose URI it is given. */
export const DEBUG_SCENARIO_COMMAND = 'tcpCloseDebugger.debugScenario';
/** Registered by the extension wiring: runs the scenario through the command line in a terminal. */
export const RUN_IN_TERMINAL_COMMAND = 'tcpCloseDebugger.runScenarioInTerminal';

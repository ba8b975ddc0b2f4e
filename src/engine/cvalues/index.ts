// The values layer over the C machine's byte memory (Variables view, hovers, setVariable).
export { Values, charLiteral, type CValue, type Place, type Expansion, type BitField, type ValueOptions, type RunView } from './values';
export { KernelConstants, FAMILIES, TCP_STATES, TIMER_REASONS, SHUTDOWN_BITS, type Family } from './constants';
export { frameVariables, visibleVariables, variablePlace, type FrameVariables } from './frame';
export { setValue, parseValue, historyHooks, SetValueError, type WriteHooks } from './write';
export { evaluate, EvaluationError } from './evaluate';
export { machineArena, type HeapLookup } from './heap';

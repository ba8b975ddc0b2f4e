// The values layer over the C machine's byte memory (Variables view, hovers, setVariable).
//   const values = new Values(kernel, run, { heap: machineArena(kernel, () => run.mem) });
//   frameVariables(values, frame, pc)      a frame's args and locals (pc: machine.stack()[i].pc)
//   values.global('tcp_statistics')        a global; values.at(name, type, addr, evaluateName)
//   values.children(v, start?, count?)     fields, a pointer's pointee, array elements (paged)
//   setValue(values, v, text, run.H, hooks?)  a what-if write through Memory stores, read back
//   evaluate(values, run, text, frame, pc)    a hover or watch, read-only, as the same tree
export { Values, charLiteral, type CValue, type Place, type Expansion, type BitField, type ValueOptions, type RunView } from './values';
export { KernelConstants, FAMILIES, TCP_STATES, TIMER_REASONS, SHUTDOWN_BITS, type Family } from './constants';
export { frameVariables, visibleVariables, variablePlace, type FrameVariables } from './frame';
export { setValue, parseValue, historyHooks, SetValueError, type WriteHooks } from './write';
export { evaluate, compileReadOnly, EvaluationError } from './evaluate';
export { machineArena, type HeapLookup } from './heap';

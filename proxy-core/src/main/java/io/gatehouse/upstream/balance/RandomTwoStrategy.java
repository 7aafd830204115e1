package io.gatehouse.upstream.balance;

/**
 * {@code random_two}: two members drawn at random in proportion to their {@code weight}, and the one
 * with fewer requests in flight relative to its weight takes the request (the power of two random
 * choices; nginx's {@code random two least_conn}). Nearly as even as {@code least_conn}, but each pick
 * reads two members instead of all of them, and IO threads picking at once do not all land on the same
 * least loaded member. {@code backup} members only when no other member is usable; {@code down} ones
 * never. Under {@code slow_start} a ramping member with share f is drawn with f of its weight and its
 * load is counted against f of its weight.
 */
public final class RandomTwoStrategy implements BalancingStrategy {
    public static final String NAME = "random_two";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Picker newPicker(PickerContext context) {
        return newPicker(context, Ramp.MEMBERS);
    }

    /** The picker, reading slow-start shares from {@code ramp}. */
    static Picker newPicker(PickerContext context, Ramp ramp) {
        return new TwoChoicesPicker(context, false, ramp);
    }
}

#pragma once
// netem's Gilbert-Elliott loss state machine, step for step (net/sched/sch_netem.c loss_gilb_ell):
// each frame first may change state, then is lost with the loss probability of the state it
// was in before that change. Losses come in bursts of mean length about 1/r while bad.
#include <random>

#include "shaping/impairment.hpp"

namespace lab::wire {

class GilbertElliottLoss {
public:
    bool bad() const { return bad_; }

    template <typename Rng>
    bool lose(const shaping::GilbertElliott& model, Rng& rng) {
        std::uniform_real_distribution<double> u(0.0, 1.0);
        if (!bad_) {
            if (u(rng) < model.p) bad_ = true;
            return u(rng) < model.one_minus_k;
        }
        if (u(rng) < model.r) bad_ = false;
        return u(rng) < model.one_minus_h;
    }

    void reset() { bad_ = false; }

private:
    bool bad_ = false;
};

}  // namespace lab::wire

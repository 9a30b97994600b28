#include "convt/conv_transpose2d.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "arguments.h"
#include "backends.h"
#include "convt/errors.h"
#include "plan.h"
#include "strided_copy.h"
#if defined(CONVT_HAVE_CUDA)
#include "cuda_driver.h"
#endif

namespace convt {

namespace {

using detail::ConvGeometry;
using detail::Plan;

// The form of a kernel's work, for the work check.
detail::WorkForm work_form(const Plan &plan) {
  return plan.kernel->device_interface != nullptr ? detail::WorkForm::kEveryPhaseRow
                                                  : detail::WorkForm::kInputRows;
}

// Runs `plan`, or the measured plan for the geometry (detail::measured_plan),
// into `out`, which has unit stride along W.
void run(const ConvGeometry &g, const Plan &plan, const TensorView &out,
         const ConstTensorView &input, const ConstTensorView &weight,
         const std::optional<ConstTensorView> &bias) {
  // One captured pointer: the std::function holds it without allocating.
  const struct {
    const ConvGeometry &g;
    const TensorView &out;
    const ConstTensorView &input, &weight;
    const std::optional<ConstTensorView> &bias;
  } call{g, out, input, weight, bias};
  const Plan chosen = detail::measured_plan(g, plan, [&call](const Plan &candidate) {
    detail::run_plan(candidate, call.g, call.input, call.weight, call.bias, call.out);
  });
  detail::run_plan(chosen, g, input, weight, bias, out);
}

void compute(const ConvGeometry &g, const Plan &plan, const TensorView &out,
             const ConstTensorView &input, const ConstTensorView &weight,
             const std::optional<ConstTensorView> &bias) {
  if (g.batch == 0) return;  // empty batch: nothing to compute
  if (out.strides().back() != 1 && out.shape().back() != 1) {
    // The kernels store whole vectors along W; compute densely, then scatter.
    // (Host outputs only: validation rejects such CUDA outputs.)
    Tensor dense(out.shape());
    run(g, plan, dense, input, weight, bias);
    detail::copy_strided(out.shape(), dense.data(), dense.strides(),
                         static_cast<float *>(out.data()), out.strides());
    return;
  }
  run(g, plan, out, input, weight, bias);
}

}  // namespace

Tensor conv_transpose2d(const ConstTensorView &input, const ConstTensorView &weight,
                        const std::optional<ConstTensorView> &bias, const IntList &stride,
                        const IntList &padding, const IntList &output_padding, int64_t groups,
                        const IntList &dilation) {
  const ConvGeometry g = detail::resolve_geometry(input.shape(), weight.shape(), stride, padding,
                                                  output_padding, groups, dilation);
  detail::check_inputs(g, input, weight, bias);
  const Plan plan = detail::plan_call(g, input.device());
  detail::check_work(detail::call_geometry(g, plan), work_form(plan));
  Tensor out(g.output_shape());
  compute(g, plan, out, input, weight, bias);
  return out;
}

void conv_transpose2d_out(const TensorView &out, const ConstTensorView &input,
                          const ConstTensorView &weight, const std::optional<ConstTensorView> &bias,
                          const IntList &stride, const IntList &padding,
                          const IntList &output_padding, int64_t groups, const IntList &dilation) {
  const ConvGeometry g = detail::resolve_geometry(input.shape(), weight.shape(), stride, padding,
                                                  output_padding, groups, dilation);
  detail::check_inputs(g, input, weight, bias);
  detail::check_output(g, out, input, weight, bias);
  const Plan plan = detail::plan_call(g, input.device());
  detail::check_work(detail::call_geometry(g, plan), work_form(plan));
  compute(g, plan, out, input, weight, bias);
}

Shape conv_transpose2d_output_shape(const Shape &input_shape, const Shape &weight_shape,
                                    const IntList &stride, const IntList &padding,
                                    const IntList &output_padding, int64_t groups,
                                    const IntList &dilation) {
  return detail::resolve_geometry(input_shape, weight_shape, stride, padding, output_padding,
                                  groups, dilation)
      .output_shape();
}

const char *cpu_kernel_name() {
  return detail::has_cpu_kernel() ? detail::cpu_kernel().name : "none";
}

bool cuda_available(std::string *reason) {
#if defined(CONVT_HAVE_CUDA)
  const std::string &why = detail::cuda_unavailable_reason();
  if (why.empty()) {
    detail::use_callers_cuda_context();
    return true;
  }
  if (reason != nullptr) *reason = why;
  return false;
#else
  if (reason != nullptr) *reason = "this build has no CUDA backend";
  return false;
#endif
}

}  // namespace convt

// cluster_decayer.cpp — a cluster decayer around libgantune, as an event generator would
// embed it: read clusters (the model's condition columns, by name, from a CSV file), let the
// tuned generator decay them, write the conditions and the generated columns as CSV.
//
//   cluster_decayer [--seed S] [--batch B] MODEL.gtm CLUSTERS.csv > decays.csv
//   cluster_decayer [--seed S] [--batch B] --events N MODEL.gtm > events.csv   (unconditional)
//
// The output equals `gan-sample --model MODEL.gtm --cond CLUSTERS.csv --seed S` (or
// `--events N`): same columns, same numbers, same text (%.9g conditions, %.7g events). --batch
// calls the library every B clusters, as a generator handing over one cluster list per event
// would. Event i gets the same noise however the calls are split; the numbers are gan-sample's
// bit for bit when B is a multiple of 4096 (gan-sample's block, the default here), and equal to
// float rounding otherwise (the BLAS may round a row differently in a GEMM of other size).
//
// Build against an installed gantune:
//   g++ -std=c++17 cluster_decayer.cpp $(pkg-config --cflags --libs gantune)
#include <gantune.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

[[noreturn]] void fail(const std::string &msg)
{
    std::cerr << "cluster_decayer: " << msg << "\n";
    std::exit(1);
}

std::vector<std::string> split(const std::string &line)
{
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string item;
    while (std::getline(ss, item, ',')) f.push_back(item);
    if (!line.empty() && line.back() == ',') f.push_back("");
    return f;
}

// The named columns of a CSV file, row-major.
std::vector<double> read_conditions(const std::string &path, const std::vector<std::string> &names)
{
    std::ifstream in(path);
    if (!in) fail(path + ": cannot open");
    std::string line;
    if (!std::getline(in, line)) fail(path + ": empty file");
    std::vector<std::string> head = split(line);
    std::vector<size_t> idx;
    for (const auto &n : names) {
        size_t j = 0;
        while (j < head.size() && head[j] != n) j++;
        if (j == head.size()) fail(path + ": no column '" + n + "'");
        idx.push_back(j);
    }
    std::vector<double> v;
    for (long row = 2; std::getline(in, line); row++) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        std::vector<std::string> f = split(line);
        for (size_t j : idx) {
            char *end = nullptr;
            const char *s = j < f.size() ? f[j].c_str() : "";
            double x = std::strtod(s, &end);
            if (end == s || *end) fail(path + ":" + std::to_string(row) + ": not a number");
            v.push_back(x);
        }
    }
    return v;
}

} // namespace

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    long events = -1;
    size_t batch = 4096;
    std::vector<std::string> pos;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) fail(a + " needs a value");
            return argv[++i];
        };
        if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--events") events = std::strtol(value().c_str(), nullptr, 10);
        else if (a == "--batch") batch = std::strtoul(value().c_str(), nullptr, 10);
        else if (a == "--help") {
            std::cout << "usage: cluster_decayer [--seed S] [--batch B] MODEL.gtm CLUSTERS.csv\n"
                         "       cluster_decayer [--seed S] [--batch B] --events N MODEL.gtm\n";
            return 0;
        } else pos.push_back(a);
    }
    if (pos.empty() || pos.size() > 2 || batch == 0) fail("usage: see --help");

    gantune_model *m = nullptr;
    char err[512];
    int rc = gantune_open(pos[0].c_str(), &m, err, sizeof err);
    if (rc != GANTUNE_OK) fail(std::string(err) + " (" + gantune_strerror(rc) + ")");
    const int nc = gantune_ncond(m), no = gantune_nout(m);

    std::vector<std::string> cnames;
    for (int j = 0; j < nc; j++) cnames.push_back(gantune_cond_name(m, j));
    std::vector<double> cond;
    size_t n;
    if (nc) {
        if (pos.size() != 2) fail("the model is conditional: give CLUSTERS.csv");
        cond = read_conditions(pos[1], cnames);
        n = cond.size() / nc;
    } else {
        if (events < 0) fail("the model has no conditions: give --events N");
        n = (size_t)events;
    }

    gantune_seed(m, seed);
    std::vector<double> ev(batch * no);
    std::string text;
    for (int j = 0; j < nc; j++) text += cnames[j] + ",";
    for (int j = 0; j < no; j++) text += std::string(gantune_out_name(m, j)) + (j + 1 < no ? "," : "\n");
    char buf[64];
    for (size_t s = 0; s < n; s += batch) {
        size_t b = n - s < batch ? n - s : batch;
        rc = gantune_generate(m, b, nc ? cond.data() + s * nc : nullptr, ev.data());
        if (rc != GANTUNE_OK) fail(gantune_errmsg(m));
        for (size_t i = 0; i < b; i++) {
            for (int j = 0; j < nc; j++) {
                std::snprintf(buf, sizeof buf, "%.9g,", cond[(s + i) * nc + j]);
                text += buf;
            }
            for (int j = 0; j < no; j++) {
                std::snprintf(buf, sizeof buf, "%.7g%c", ev[i * no + j], j + 1 < no ? ',' : '\n');
                text += buf;
            }
        }
        std::fwrite(text.data(), 1, text.size(), stdout);
        text.clear();
    }
    gantune_close(m);
    if (std::fflush(stdout) != 0 || std::ferror(stdout)) fail("write error");
    return 0;
}

#include "tests/k8s-apiserver/kubelet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aicr::testing::apiserver {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string ResourceOf(const std::string& kind) {
  if (kind == "Pod") return "pods";
  if (kind == "Job") return "jobs";
  if (kind == "Event") return "events";
  if (kind == "ConfigMap") return "configmaps";
  if (kind == "Secret") return "secrets";
  return "unknown";
}

std::string GroupOf(const std::string& api_version) {
  const auto slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

/// An in-memory store that, like the server, tells the kubelet about creations.
class FakeSink : public ObjectSink {
 public:
  void SetKubelet(Kubelet* k) {
    std::lock_guard<std::mutex> lock(mu_);
    kubelet_ = k;
  }

  bool Create(const json& obj, std::string* err) override {
    json o = obj;
    Kubelet* k = nullptr;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!o["metadata"].contains("uid")) {
        o["metadata"]["uid"] = "uid-" + std::to_string(++next_uid_);
      }
      const std::string key =
          Key(GroupOf(o.value("apiVersion", "")), ResourceOf(o.value("kind", "")),
              o["metadata"].value("namespace", ""), o["metadata"].value("name", ""));
      if (objects_.count(key) != 0) {
        *err = "already exists";
        return false;
      }
      objects_[key] = o;
      if (o.value("kind", "") == "Event") events_.push_back(o);
      k = kubelet_;
    }
    if (k != nullptr) k->OnCreated(o);  // same thread, outside the lock, like the server
    return true;
  }
  bool UpdateStatus(const std::string& group, const std::string& resource, const std::string& ns,
                    const std::string& name, const json& status) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(Key(group, resource, ns, name));
    if (it == objects_.end()) return false;
    it->second["status"] = status;
    return true;
  }
  std::optional<json> Get(const std::string& group, const std::string& resource,
                          const std::string& ns, const std::string& name) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(Key(group, resource, ns, name));
    if (it == objects_.end()) return std::nullopt;
    return it->second;
  }
  void Put(const json& obj) {
    std::string err;
    json o = obj;
    const std::string key =
        Key(GroupOf(o.value("apiVersion", "")), ResourceOf(o.value("kind", "")),
            o["metadata"].value("namespace", ""), o["metadata"].value("name", ""));
    std::lock_guard<std::mutex> lock(mu_);
    objects_[key] = o;
  }
  std::optional<json> Remove(const std::string& group, const std::string& resource,
                             const std::string& ns, const std::string& name) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = objects_.find(Key(group, resource, ns, name));
    if (it == objects_.end()) return std::nullopt;
    json o = it->second;
    objects_.erase(it);
    return o;
  }
  /// Pods whose label job-name is `job`.
  std::vector<json> JobPods(const std::string& job) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<json> out;
    for (const auto& [key, o] : objects_) {
      if (o.value("kind", "") == "Pod" && o["metadata"].contains("labels") &&
          o["metadata"]["labels"].value("job-name", "") == job) {
        out.push_back(o);
      }
    }
    return out;
  }
  std::vector<json> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  bool HasEvent(const std::string& reason, const std::string& kind) {
    for (const json& e : Events()) {
      if (e.value("reason", "") == reason && e["involvedObject"].value("kind", "") == kind) {
        return true;
      }
    }
    return false;
  }

 private:
  static std::string Key(const std::string& g, const std::string& r, const std::string& ns,
                         const std::string& n) {
    return g + "|" + r + "|" + ns + "|" + n;
  }
  std::mutex mu_;
  std::map<std::string, json> objects_;
  std::vector<json> events_;
  int next_uid_ = 0;
  Kubelet* kubelet_ = nullptr;
};

bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 10s) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return pred();
}

class KubeletTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/kubelet-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (kubelet_) kubelet_->Shutdown();
    sink_.SetKubelet(nullptr);
    kubelet_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  /// Writes an executable /bin/sh script and returns its path.
  std::string Script(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body;
    chmod(path.c_str(), 0755);
    return path;
  }

  void Start(std::map<std::string, std::string> images) {
    kubelet_ = std::make_unique<Kubelet>(&sink_, std::move(images));
    sink_.SetKubelet(kubelet_.get());
  }

  static json Job(const std::string& name, const json& container, const json& extra_spec = {},
                  const json& annotations = {}) {
    json job = {
        {"apiVersion", "batch/v1"},
        {"kind", "Job"},
        {"metadata", {{"name", name}, {"namespace", "aicr"}, {"uid", "job-uid-" + name}}},
        {"spec",
         {{"backoffLimit", 0},
          {"template",
           {{"metadata", {{"labels", {{"app", "agent"}}}}},
            {"spec", {{"restartPolicy", "Never"}, {"containers", json::array({container})}}}}}}}};
    if (!annotations.is_null()) job["spec"]["template"]["metadata"]["annotations"] = annotations;
    if (extra_spec.is_object()) {
      for (auto it = extra_spec.begin(); it != extra_spec.end(); ++it) {
        if (it.key() == "volumes") {
          job["spec"]["template"]["spec"]["volumes"] = *it;
        } else {
          job["spec"][it.key()] = *it;
        }
      }
    }
    return job;
  }

  void Create(const json& obj) {
    std::string err;
    ASSERT_TRUE(sink_.Create(obj, &err)) << err;
  }

  json GetJob(const std::string& name) {
    return sink_.Get("batch", "jobs", "aicr", name).value_or(json{});
  }

  /// Waits for the Job to get a Complete or Failed condition and returns it.
  json WaitJobDone(const std::string& name, std::chrono::milliseconds timeout = 15s) {
    json job;
    WaitFor(
        [&] {
          job = GetJob(name);
          const json conds = job.value("status", json::object()).value("conditions", json::array());
          for (const json& c : conds) {
            if (c.value("type", "") == "Complete" || c.value("type", "") == "Failed") return true;
          }
          return false;
        },
        timeout);
    return job;
  }

  static std::string LastCondition(const json& job) {
    const json conds = job.value("status", json::object()).value("conditions", json::array());
    return conds.empty() ? "" : conds.back().value("type", "");
  }

  /// The Job's first pod's status, or an empty object (for polling).
  json PodStatus(const std::string& job) {
    auto pods = sink_.JobPods(job);
    return pods.empty() ? json::object() : pods.front().value("status", json::object());
  }

  json OnlyPod(const std::string& job) {
    auto pods = sink_.JobPods(job);
    EXPECT_EQ(pods.size(), 1u);
    return pods.empty() ? json::object() : pods.front();
  }

  std::string dir_;
  FakeSink sink_;
  std::unique_ptr<Kubelet> kubelet_;
};

json Container(const std::string& image, json command, json args, json env = json::array()) {
  json c = {{"name", "main"}, {"image", image}};
  if (!command.is_null()) c["command"] = command;
  if (!args.is_null()) c["args"] = args;
  if (!env.empty()) c["env"] = env;
  return c;
}

TEST_F(KubeletTest, JobSucceedsWithMappedCommand) {
  const std::string agent = Script("agent.sh",
                                   "echo \"argv0=$0\"\necho \"args: $*\"\n"
                                   "echo msg > \"$TERM_FILE\"\n");
  Start({{"ghcr.io/nvidia/aicr", agent}});
  Create(Job("snap",
             Container("ghcr.io/nvidia/aicr:v1.2.3", json::array({"/usr/local/bin/aicr"}),
                       json::array({"snapshot", "--output", "cm://aicr/snapshot"}),
                       json::array({{{"name", "TERM_FILE"}, {"value", "/dev/termination-log"}}}))));
  const json job = WaitJobDone("snap");
  ASSERT_EQ(LastCondition(job), "Complete") << job.dump(2);
  EXPECT_EQ(job["status"]["succeeded"], 1);
  EXPECT_EQ(job["status"]["active"], 0);
  EXPECT_TRUE(job["status"].contains("completionTime"));
  EXPECT_TRUE(job["status"].contains("startTime"));
  EXPECT_EQ(job["status"]["conditions"][0]["type"], "SuccessCriteriaMet");

  const json pod = OnlyPod("snap");
  const std::string pod_name = pod["metadata"]["name"];
  EXPECT_EQ(pod_name.size(), std::string("snap-").size() + 5);
  EXPECT_EQ(pod_name.rfind("snap-", 0), 0u);
  EXPECT_EQ(pod["metadata"]["labels"]["app"], "agent");
  EXPECT_EQ(pod["metadata"]["labels"]["batch.kubernetes.io/job-name"], "snap");
  EXPECT_EQ(pod["metadata"]["labels"]["controller-uid"], "job-uid-snap");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["kind"], "Job");
  EXPECT_EQ(pod["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ(pod["spec"]["nodeName"], "test-node");
  EXPECT_EQ(pod["status"]["phase"], "Succeeded");
  const json term = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["exitCode"], 0);
  EXPECT_EQ(term["reason"], "Completed");
  EXPECT_EQ(term["message"], "msg\n");
  EXPECT_TRUE(term.contains("startedAt"));
  EXPECT_TRUE(term.contains("finishedAt"));

  std::string log;
  bool done = false;
  ASSERT_TRUE(kubelet_->Logs("aicr", pod_name, "", &log, &done));
  EXPECT_TRUE(done);
  EXPECT_THAT(log, HasSubstr("argv0=" + agent + "\n"));
  EXPECT_THAT(log, HasSubstr("args: snapshot --output cm://aicr/snapshot\n"));
  ASSERT_TRUE(kubelet_->Logs("aicr", pod_name, "main", &log, &done));
  EXPECT_FALSE(kubelet_->Logs("aicr", pod_name, "nope", &log, &done));
  EXPECT_FALSE(kubelet_->Logs("aicr", "nope", "", &log, &done));
}

TEST_F(KubeletTest, FailureExitCodeAndTerminationMessage) {
  const std::string agent = Script("fail.sh", "echo boom > \"$1\"\necho to-log\nexit 3\n");
  Start({{"img", "/bin/sh"}});
  Create(Job("f",
             Container("img", json::array({"sh"}), json::array({agent, "/dev/termination-log"}))));
  const json job = WaitJobDone("f");
  ASSERT_EQ(LastCondition(job), "Failed") << job.dump(2);
  EXPECT_EQ(job["status"]["conditions"][0]["type"], "FailureTarget");
  EXPECT_EQ(job["status"]["conditions"][1]["reason"], "BackoffLimitExceeded");
  EXPECT_EQ(job["status"]["failed"], 1);
  EXPECT_FALSE(job["status"].contains("completionTime"));
  const json pod = OnlyPod("f");
  EXPECT_EQ(pod["status"]["phase"], "Failed");
  const json term = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["exitCode"], 3);
  EXPECT_EQ(term["reason"], "Error");
  EXPECT_EQ(term["message"], "boom\n");
}

TEST_F(KubeletTest, TerminationMessageThroughPathRewriteAndCap) {
  Start({{"busybox", "-"}});
  json c = Container("busybox:1.36", json::array({"/bin/sh", "-c"}),
                     json::array({"printf 'x%.0s' $(seq 5000) > /tmp/term/msg; "
                                  "echo \"$AICR_TEST_MOUNT_TMP_TERM_MSG\"; exit 4"}));
  c["terminationMessagePath"] = "/tmp/term/msg";
  Create(Job("t", c));
  const json job = WaitJobDone("t");
  ASSERT_EQ(LastCondition(job), "Failed");
  const json term = OnlyPod("t")["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["exitCode"], 4);
  EXPECT_EQ(term["message"].get<std::string>(), std::string(4096, 'x'));
}

TEST_F(KubeletTest, FallbackToLogsOnError) {
  const std::string agent =
      Script("many.sh", "i=1\nwhile [ $i -le 100 ]; do echo line$i; i=$((i+1)); done\nexit 2\n");
  Start({{"img", agent}});
  json c = Container("img", nullptr, nullptr);
  c["terminationMessagePolicy"] = "FallbackToLogsOnError";
  Create(Job("fb", c));
  ASSERT_EQ(LastCondition(WaitJobDone("fb")), "Failed");
  const std::string msg =
      OnlyPod("fb")["status"]["containerStatuses"][0]["state"]["terminated"]["message"];
  EXPECT_EQ(msg.rfind("line21\n", 0), 0u) << msg;
  EXPECT_THAT(msg, HasSubstr("line100\n"));
  EXPECT_EQ(msg.find("line20\n"), std::string::npos);
}

TEST_F(KubeletTest, EnvFieldRefAndApiServerEnv) {
  const std::string agent = Script("env.sh",
                                   "echo FOO=$FOO\necho POD=$POD\necho NS=$NS\necho NODE=$NODE\n"
                                   "echo IP=$IP\necho HOST=$KUBERNETES_SERVICE_HOST\n"
                                   "echo ARG=$1\necho HOME_SET=${HOME:+yes}\n"
                                   "echo CM=$FROM_CM\n");
  Start({{"img", agent}});
  kubelet_->SetApiServerEnv({{"KUBERNETES_SERVICE_HOST", "127.0.0.1"}});
  sink_.Put({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "cfg"}, {"namespace", "aicr"}}},
             {"data", {{"k", "from-configmap"}}}});
  json env = json::array(
      {{{"name", "FOO"}, {"value", "bar"}},
       {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
       {{"name", "NS"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.namespace"}}}}}},
       {{"name", "NODE"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "spec.nodeName"}}}}}},
       {{"name", "IP"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "status.podIP"}}}}}},
       {{"name", "FROM_CM"}, {"valueFrom", {{"configMapKeyRef", {{"name", "cfg"}, {"key", "k"}}}}}},
       {{"name", "CPU"}, {"valueFrom", {{"resourceFieldRef", {{"resource", "limits.cpu"}}}}}}});
  Create(Job("env", Container("img", nullptr, json::array({"$(FOO)-x"}), env)));
  ASSERT_EQ(LastCondition(WaitJobDone("env")), "Complete");
  const json pod = OnlyPod("env");
  std::string log;
  ASSERT_TRUE(kubelet_->Logs("aicr", pod["metadata"]["name"], "", &log, nullptr));
  EXPECT_THAT(log, HasSubstr("FOO=bar\n"));
  EXPECT_THAT(log, HasSubstr("POD=" + pod["metadata"]["name"].get<std::string>() + "\n"));
  EXPECT_THAT(log, HasSubstr("NS=aicr\n"));
  EXPECT_THAT(log, HasSubstr("NODE=test-node\n"));
  EXPECT_THAT(log, HasSubstr("IP=10.244.0."));
  EXPECT_THAT(log, HasSubstr("HOST=127.0.0.1\n"));
  EXPECT_THAT(log, HasSubstr("ARG=bar-x\n"));
  EXPECT_THAT(log, HasSubstr("HOME_SET=yes\n"));
  EXPECT_THAT(log, HasSubstr("CM=from-configmap\n"));
}

TEST_F(KubeletTest, ConfigMapSecretAndServiceAccountVolumes) {
  Start({{"img", "/bin/sh"}});
  kubelet_->SetServiceAccount("tok123", "CA");
  sink_.Put({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "cfg"}, {"namespace", "aicr"}}},
             {"data", {{"a.txt", "hello"}, {"b.txt", "world"}}}});
  sink_.Put({{"apiVersion", "v1"},
             {"kind", "Secret"},
             {"metadata", {{"name", "sec"}, {"namespace", "aicr"}}},
             {"data", {{"pw", "c2VjcmV0"}}}});  // "secret"
  json c = Container("img", json::array({"sh", "-c"}),
                     json::array({"cat /etc/cfg/a.txt; echo; cat /etc/cfg/b.txt; echo; "
                                  "cat /etc/sec/pw; echo; "
                                  "cat /var/run/secrets/kubernetes.io/serviceaccount/token; echo; "
                                  "echo mount=$AICR_TEST_MOUNT_ETC_CFG; ls /etc/cfg/ >/dev/null"}));
  c["volumeMounts"] = json::array(
      {{{"name", "cfg"}, {"mountPath", "/etc/cfg"}}, {{"name", "sec"}, {"mountPath", "/etc/sec"}}});
  Create(Job("vol", c,
             {{"volumes", json::array({{{"name", "cfg"}, {"configMap", {{"name", "cfg"}}}},
                                       {{"name", "sec"}, {"secret", {{"secretName", "sec"}}}}})}}));
  const json job = WaitJobDone("vol");
  ASSERT_EQ(LastCondition(job), "Complete");
  std::string log;
  ASSERT_TRUE(kubelet_->Logs("aicr", OnlyPod("vol")["metadata"]["name"], "", &log, nullptr));
  EXPECT_THAT(log, HasSubstr("hello\nworld\nsecret\ntok123\nmount=/"));
  EXPECT_EQ(log.find("mount=/etc/cfg"), std::string::npos) << log;
}

TEST_F(KubeletTest, MissingConfigMapWaitsThenMounts) {
  Start({{"img", "/bin/sh"}});
  json c = Container("img", json::array({"sh", "-c"}), json::array({"cat /cfg/x"}));
  c["volumeMounts"] = json::array({{{"name", "cfg"}, {"mountPath", "/cfg"}}});
  Create(Job("late", c,
             {{"volumes", json::array({{{"name", "cfg"}, {"configMap", {{"name", "late"}}}}})}}));
  ASSERT_TRUE(WaitFor([&] { return sink_.HasEvent("FailedMount", "Pod"); }));
  EXPECT_EQ(OnlyPod("late")["status"]["phase"], "Pending");
  sink_.Put({{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", "late"}, {"namespace", "aicr"}}},
             {"data", {{"x", "arrived"}}}});
  ASSERT_EQ(LastCondition(WaitJobDone("late")), "Complete");
  std::string log;
  ASSERT_TRUE(kubelet_->Logs("aicr", OnlyPod("late")["metadata"]["name"], "", &log, nullptr));
  EXPECT_EQ(log, "arrived");
}

TEST_F(KubeletTest, HangThenDeleteKillsProcessGroup) {
  const std::string pidfile = dir_ + "/child.pid";
  const std::string agent =
      Script("bg.sh", "sleep 1000 &\necho $! > " + pidfile + "\necho started\nwait\n");
  Start({{"img", agent}});
  Create(Job("bg", Container("img", nullptr, nullptr)));
  ASSERT_TRUE(WaitFor([&] { return PodStatus("bg").value("phase", "") == "Running"; }));
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(pidfile); }));
  pid_t child = 0;
  ASSERT_TRUE(WaitFor([&] {
    std::ifstream(pidfile) >> child;
    return child > 0;
  }));
  const auto pids = kubelet_->RunningPids();
  ASSERT_EQ(pids.size(), 1u);
  const json job = GetJob("bg");
  EXPECT_EQ(job["status"]["active"], 1);
  EXPECT_EQ(job["status"]["ready"], 1);
  kubelet_->OnDeleted(job);
  EXPECT_TRUE(WaitFor([&] { return kubelet_->RunningPids().empty(); }, 5s));
  EXPECT_TRUE(WaitFor([&] { return kill(pids[0], 0) != 0 && errno == ESRCH; }, 5s));
  // The Job went without cascading: its pod stays and records the kill.
  EXPECT_TRUE(WaitFor([&] { return PodStatus("bg").value("phase", "") == "Failed"; }, 5s));
  EXPECT_GE(PodStatus("bg")["containerStatuses"][0]["state"]["terminated"]["exitCode"].get<int>(),
            128);
  // The background child was in the container's process group: gone too (it may
  // linger as a zombie of init for a moment; /proc/PID/stat shows that).
  EXPECT_TRUE(WaitFor(
      [&] {
        std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
        std::string content((std::istreambuf_iterator<char>(stat)), {});
        return !stat || content.find(") Z") != std::string::npos;
      },
      5s));
}

TEST_F(KubeletTest, HangFaultRunsSleepUntilDeleted) {
  Start({{"img", "/bin/false"}});
  Create(Job("hang", Container("img", nullptr, nullptr), {}, {{"aicr.test/kubelet", "hang"}}));
  ASSERT_TRUE(WaitFor([&] { return kubelet_->RunningPids().size() == 1; }));
  const pid_t pid = kubelet_->RunningPids()[0];
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(OnlyPod("hang")["status"]["phase"], "Running");
  // Deleting the pod (not the job) kills it; the Job counts a failure (backoffLimit 0).
  const json pod = OnlyPod("hang");
  sink_.Remove("", "pods", "aicr", pod["metadata"]["name"]);
  kubelet_->OnDeleted(pod);
  EXPECT_TRUE(WaitFor([&] { return kill(pid, 0) != 0 && errno == ESRCH; }, 5s));
  EXPECT_EQ(LastCondition(WaitJobDone("hang")), "Failed");
}

TEST_F(KubeletTest, DestructorKillsRunningContainers) {
  Start({{"img", "/bin/false"}});
  Create(Job("d", Container("img", nullptr, nullptr), {}, {{"aicr.test/kubelet", "hang"}}));
  ASSERT_TRUE(WaitFor([&] { return kubelet_->RunningPids().size() == 1; }));
  const pid_t pid = kubelet_->RunningPids()[0];
  const auto start = std::chrono::steady_clock::now();
  sink_.SetKubelet(nullptr);
  kubelet_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_TRUE(kill(pid, 0) != 0 && errno == ESRCH);
}

TEST_F(KubeletTest, PendingImagePullBackOff) {
  Start({{"img", "/bin/true"}});
  Create(Job("p", Container("img", nullptr, nullptr), {}, {{"aicr.test/kubelet", "pending"}}));
  ASSERT_TRUE(WaitFor([&] {
    const json st = PodStatus("p");
    return st.contains("containerStatuses") && st["containerStatuses"][0]["state"]
                                                       .value("waiting", json::object())
                                                       .value("reason", "") == "ImagePullBackOff";
  }));
  std::this_thread::sleep_for(200ms);
  const json pod = OnlyPod("p");
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_EQ(GetJob("p")["status"]["active"], 1);
  EXPECT_TRUE(sink_.HasEvent("BackOff", "Pod"));
  EXPECT_FALSE(kubelet_->ContainerStarted("aicr", pod["metadata"]["name"], ""));
  std::string log;
  EXPECT_FALSE(kubelet_->Logs("aicr", pod["metadata"]["name"], "", &log, nullptr));
  EXPECT_FALSE(kubelet_->WaitForLogs("aicr", pod["metadata"]["name"], "", 0, 50ms));
}

TEST_F(KubeletTest, PendingUnschedulable) {
  Start({{"img", "/bin/true"}});
  Create(Job("u", Container("img", nullptr, nullptr), {},
             {{"aicr.test/kubelet", "pending"}, {"aicr.test/pending-reason", "Unschedulable"}}));
  ASSERT_TRUE(WaitFor([&] { return PodStatus("u").contains("conditions"); }));
  const json pod = OnlyPod("u");
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  EXPECT_EQ(pod["status"]["conditions"][0]["type"], "PodScheduled");
  EXPECT_EQ(pod["status"]["conditions"][0]["status"], "False");
  EXPECT_EQ(pod["status"]["conditions"][0]["reason"], "Unschedulable");
  EXPECT_FALSE(pod["spec"].contains("nodeName"));
  EXPECT_TRUE(WaitFor([&] { return sink_.HasEvent("FailedScheduling", "Pod"); }));
}

TEST_F(KubeletTest, UnmappedImageErrImagePull) {
  Start({{"other", "/bin/true"}});
  Create(Job("e", Container("nvcr.io/nvidia/x:1", nullptr, nullptr)));
  ASSERT_TRUE(WaitFor([&] {
    const json st = PodStatus("e");
    return st.contains("containerStatuses") && st["containerStatuses"][0]["state"]
                                                       .value("waiting", json::object())
                                                       .value("reason", "") == "ErrImagePull";
  }));
  EXPECT_TRUE(sink_.HasEvent("Failed", "Pod"));
}

TEST_F(KubeletTest, OomKillAndFailFaults) {
  Start({{"img", "/bin/true"}});
  Create(Job("oom", Container("img", nullptr, nullptr), {}, {{"aicr.test/kubelet", "oomkill"}}));
  Create(Job("fail", Container("img", nullptr, nullptr), {},
             {{"aicr.test/kubelet", "fail"}, {"aicr.test/exit-code", "7"}}));
  ASSERT_EQ(LastCondition(WaitJobDone("oom")), "Failed");
  ASSERT_EQ(LastCondition(WaitJobDone("fail")), "Failed");
  json term = OnlyPod("oom")["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["exitCode"], 137);
  EXPECT_EQ(term["reason"], "OOMKilled");
  term = OnlyPod("fail")["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["exitCode"], 7);
  EXPECT_EQ(term["reason"], "Error");
}

TEST_F(KubeletTest, BackoffLimitRetriesWithNewPods) {
  Start({{"img", "/bin/false"}});
  Create(Job("r", Container("img", nullptr, nullptr), {{"backoffLimit", 2}}));
  const json job = WaitJobDone("r");
  ASSERT_EQ(LastCondition(job), "Failed");
  EXPECT_EQ(job["status"]["failed"], 3);
  EXPECT_EQ(sink_.JobPods("r").size(), 3u);
  EXPECT_TRUE(sink_.HasEvent("BackOff", "Pod"));
}

TEST_F(KubeletTest, RetryThenSuccess) {
  const std::string marker = dir_ + "/marker";
  const std::string agent = Script(
      "flaky.sh", "if [ -e " + marker + " ]; then exit 0; fi\ntouch " + marker + "\nexit 1\n");
  Start({{"img", agent}});
  Create(Job("flaky", Container("img", nullptr, nullptr), {{"backoffLimit", 3}}));
  const json job = WaitJobDone("flaky");
  ASSERT_EQ(LastCondition(job), "Complete");
  EXPECT_EQ(job["status"]["failed"], 1);
  EXPECT_EQ(job["status"]["succeeded"], 1);
  EXPECT_EQ(sink_.JobPods("flaky").size(), 2u);
}

TEST_F(KubeletTest, OnFailureRestartsInSamePod) {
  const std::string marker = dir_ + "/marker2";
  const std::string agent = Script(
      "flaky2.sh", "if [ -e " + marker + " ]; then exit 0; fi\ntouch " + marker + "\nexit 1\n");
  Start({{"img", agent}});
  json job = Job("of", Container("img", nullptr, nullptr), {{"backoffLimit", 2}});
  job["spec"]["template"]["spec"]["restartPolicy"] = "OnFailure";
  Create(job);
  ASSERT_EQ(LastCondition(WaitJobDone("of")), "Complete");
  const json pod = OnlyPod("of");
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["restartCount"], 1);
  EXPECT_EQ(pod["status"]["containerStatuses"][0]["lastState"]["terminated"]["exitCode"], 1);
}

TEST_F(KubeletTest, EventsEmitted) {
  Start({{"img", "/bin/true"}});
  Create(Job("ev", Container("img", nullptr, nullptr)));
  ASSERT_EQ(LastCondition(WaitJobDone("ev")), "Complete");
  for (const char* reason : {"Scheduled", "Pulled", "Created", "Started"}) {
    EXPECT_TRUE(sink_.HasEvent(reason, "Pod")) << reason;
  }
  EXPECT_TRUE(sink_.HasEvent("SuccessfulCreate", "Job"));
  EXPECT_TRUE(sink_.HasEvent("Completed", "Job"));
  for (const json& e : sink_.Events()) {
    EXPECT_EQ(e["metadata"]["namespace"], "aicr");
    EXPECT_EQ(e["apiVersion"], "v1");
  }
}

TEST_F(KubeletTest, LogsStreamWhileRunning) {
  const std::string gate = dir_ + "/gate";
  const std::string agent = Script(
      "stream.sh", "echo first\nwhile [ ! -e " + gate + " ]; do sleep 0.05; done\necho second\n");
  Start({{"img", agent}});
  Create(Job("s", Container("img", nullptr, nullptr)));
  std::string pod_name;
  ASSERT_TRUE(WaitFor([&] {
    auto pods = sink_.JobPods("s");
    if (pods.empty()) return false;
    pod_name = pods[0]["metadata"]["name"];
    return kubelet_->ContainerStarted("aicr", pod_name, "");
  }));
  ASSERT_TRUE(kubelet_->WaitForLogs("aicr", pod_name, "", 0, 5s));
  std::string log;
  bool done = true;
  ASSERT_TRUE(kubelet_->Logs("aicr", pod_name, "", &log, &done));
  EXPECT_EQ(log, "first\n");
  EXPECT_FALSE(done);
  EXPECT_FALSE(kubelet_->WaitForLogs("aicr", pod_name, "", log.size(), 100ms));
  EXPECT_FALSE(kubelet_->WaitForLogsSince("aicr", pod_name, "", log.size(), 100ms));
  EXPECT_TRUE(kubelet_->WaitForLogsSince("aicr", pod_name, "", 0, 100ms));
  std::ofstream(gate) << "go";
  ASSERT_TRUE(kubelet_->WaitForLogs("aicr", pod_name, "", log.size(), 5s));
  ASSERT_TRUE(WaitFor([&] {
    kubelet_->Logs("aicr", pod_name, "", &log, &done);
    return done;
  }));
  EXPECT_EQ(log, "first\nsecond\n");
  std::uint64_t next = 0;
  ASSERT_TRUE(kubelet_->LogsSince("aicr", pod_name, "", 6, &log, &next, &done));
  EXPECT_EQ(log, "second\n");
  EXPECT_EQ(next, 13u);
  EXPECT_TRUE(kubelet_->WaitForLogsSince("aicr", pod_name, "", 13, 5s));  // ended
}

TEST_F(KubeletTest, LogKeepsItsLast4MiB) {
  const std::string agent = Script("big.sh", "head -c 6000000 /dev/zero | tr '\\0' x\necho END\n");
  Start({{"img", agent}});
  Create(Job("big", Container("img", nullptr, nullptr)));
  ASSERT_EQ(LastCondition(WaitJobDone("big")), "Complete");
  std::string log;
  ASSERT_TRUE(kubelet_->Logs("aicr", OnlyPod("big")["metadata"]["name"], "", &log, nullptr));
  EXPECT_EQ(log.size(), 4u << 20);
  EXPECT_EQ(log.substr(log.size() - 5), "xEND\n");
  std::uint64_t next = 0;
  bool done = false;
  const std::string pod = OnlyPod("big")["metadata"]["name"];
  ASSERT_TRUE(kubelet_->LogsSince("aicr", pod, "", 0, &log, &next, &done));
  EXPECT_TRUE(done);
  EXPECT_EQ(next, 6000004u);
  EXPECT_GE(log.size(), 4u << 20);
  EXPECT_EQ(log.substr(log.size() - 5), "xEND\n");
  ASSERT_TRUE(kubelet_->LogsSince("aicr", pod, "", 6000000, &log, &next, &done));
  EXPECT_EQ(log, "END\n");
}

TEST_F(KubeletTest, ActiveDeadlineFailsJob) {
  Start({{"img", "/bin/true"}});
  Create(Job("dl", Container("img", nullptr, nullptr), {{"activeDeadlineSeconds", 1}},
             {{"aicr.test/kubelet", "hang"}}));
  const json job = WaitJobDone("dl");
  ASSERT_EQ(LastCondition(job), "Failed");
  EXPECT_EQ(job["status"]["conditions"][1]["reason"], "DeadlineExceeded");
  EXPECT_TRUE(kubelet_->RunningPids().empty());
}

TEST_F(KubeletTest, BarePodRunsAndSeededPodIsLeftAlone) {
  Start({{"img", "/bin/true"}});
  Create({{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "bare"}, {"namespace", "aicr"}}},
          {"spec", {{"containers", json::array({Container("img", nullptr, nullptr)})}}}});
  Create({{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "seeded"}, {"namespace", "aicr"}}},
          {"spec", {{"containers", json::array({Container("gpu-operator", nullptr, nullptr)})}}},
          {"status", {{"phase", "Running"}}}});
  ASSERT_TRUE(WaitFor([&] {
    auto p = sink_.Get("", "pods", "aicr", "bare");
    return p && p->value("status", json::object()).value("phase", "") == "Succeeded";
  }));
  std::this_thread::sleep_for(100ms);
  const json seeded = *sink_.Get("", "pods", "aicr", "seeded");
  EXPECT_EQ(seeded["status"], json({{"phase", "Running"}}));
}

TEST_F(KubeletTest, MissingExecutableIsStartError) {
  Start({{"img", dir_ + "/does-not-exist"}});
  Create(Job("se", Container("img", nullptr, nullptr)));
  ASSERT_EQ(LastCondition(WaitJobDone("se")), "Failed");
  const json term = OnlyPod("se")["status"]["containerStatuses"][0]["state"]["terminated"];
  EXPECT_EQ(term["reason"], "StartError");
  EXPECT_EQ(term["exitCode"], 128);
}

}  // namespace
}  // namespace aicr::testing::apiserver
